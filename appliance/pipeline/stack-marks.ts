import { DEFAULT_PROFILES, type CaptureProfile } from '../capture/profiles.js';
import type { CapturedPage } from '../capture/capture.js';
import type { BlankMeasure } from '../pages/blank-measure.js';
import { SEPARATOR_PATCHES } from '../pages/patch-code.js';
import { isSeparatorPage } from '../pages/separator.js';
import type { OcrPage } from '../ocr/ocr.js';
import type { StackMarks } from './split-stack.js';

// What a batch keeps besides its pages to split them as the clerk meant: the chosen profile's
// stack policies (separator sheets, blank sheets, page limit), which pages were separator sheets,
// and where the clerk touched "Tài liệu tiếp theo". Persisted in the batch's record, so a restart
// splits the same way. A separator page is found before it is read: it is never OCR'd.

/** The parts of a capture profile a batch split obeys. */
export type StackPolicy = Pick<CaptureProfile, 'separator' | 'blankPages' | 'maxPagesPerDocument'>;

export type SeparatorKind = 'qr' | 'patch-T' | 'patch-2';

export interface StackState {
  policy: StackPolicy;
  /** The run scanned both sides: pages come in sheets of two. */
  duplex: boolean;
  /** Separator sheets by page position in the run (the batch's pages, 0-based). */
  separators: Record<number, SeparatorKind>;
  /** "Tài liệu tiếp theo": positions of the pages after which a document ends. */
  breaksAfter: number[];
}

export function stackPolicy(p: CaptureProfile): StackPolicy {
  return { separator: p.separator, blankPages: p.blankPages, maxPagesPerDocument: p.maxPagesPerDocument };
}

/** Without a chosen profile: the default batch profile's ("Số hóa hàng loạt"). */
export const DEFAULT_STACK_POLICY: StackPolicy = stackPolicy(DEFAULT_PROFILES.find((p) => p.batch) ?? DEFAULT_PROFILES[0]!);

export function newStackState(policy: StackPolicy | undefined, source: string): StackState {
  return { policy: policy ?? DEFAULT_STACK_POLICY, duplex: source === 'adf-duplex', separators: {}, breaksAfter: [] };
}

/** The split's view of the state. */
export function marksOf(s: StackState | undefined): StackMarks {
  if (!s) return {};
  return {
    separators: new Set(Object.keys(s.separators).map(Number)), blankSeparates: s.policy.blankPages === 'separator',
    duplex: s.duplex, breaksAfter: s.breaksAfter, maxPages: s.policy.maxPagesPerDocument,
  };
}

/**
 * The cheap look that decides whether zbarimg is worth running: Sohoa's sheet has two large QR
 * codes (much ink) and four lines of text (few letters); a page of a document has hundreds of
 * letters. Measured at 100 dpi: the sheet 155 letters, 6.8 % ink; the demo pages 436–1909 letters.
 */
export function mayBeQrSheet(m: BlankMeasure): boolean {
  return m.letters <= 400 && m.inkRatio >= 0.03;
}

export type SeparatorEvidence = Pick<CapturedPage, 'blank' | 'blankMeasure' | 'previewPath'> & { patch?: CapturedPage['patch'] };

/** Which separator sheet a page is, if any, under the policy (zbarimg on the small preview, time-limited). */
export async function separatorOf(page: SeparatorEvidence, policy: StackPolicy): Promise<SeparatorKind | null> {
  if (policy.separator === 'none' || page.blank) return null;
  if (page.patch && SEPARATOR_PATCHES.includes(page.patch)) return page.patch === 'T' ? 'patch-T' : 'patch-2';
  if (!page.blankMeasure || !mayBeQrSheet(page.blankMeasure)) return null;
  return (await isSeparatorPage(page.previewPath, 5_000)) ? 'qr' : null;
}

/** What stands for a separator page's OCR: nothing to read, never part of a document. */
export function separatorStub(page: { path: string }, dpi: number): OcrPage {
  return { imagePath: page.path, width: 0, height: 0, dpi, rotation: 0, blank: true, text: '', lines: [] };
}
