import { readFile } from 'node:fs/promises';
import { SohoaError } from '../errors.js';

// Capture profiles: what one touch of a big button on the scan screen means (source, duplex,
// resolution, colour, blank-page and separator policy, a page limit per document). The technician
// provisions them in a JSON file (config `capture.profilesPath`); without one the three defaults
// below apply ("Văn bản đi" scans into the outgoing register). Decree 30/2020 App. I: at least 200 dpi.

export interface CaptureProfile {
  /** The button's label, as the clerk reads it. */
  name: string;
  source: 'adf' | 'flatbed';
  duplex: boolean;
  dpi: number;
  mode: 'color' | 'gray';
  /** 'drop': blank pages left out of the document (kept for review until registered); 'keep'; 'separator': a blank sheet starts the next document. */
  blankPages: 'drop' | 'keep' | 'separator';
  /** 'qr': Sohoa's QR separator sheet starts the next document; 'none'. */
  separator: 'qr' | 'none';
  /** A document longer than this is split (0 = no limit). */
  maxPagesPerDocument: number;
  /** One document per scan, or a whole stack split into documents ("Quét cả tập"). */
  batch: boolean;
  /** Write pages as 1-bit lossless PNG (archival text-only); colour/grey JPEG otherwise. */
  bitonal: boolean;
  /** Which register book a document scanned with it goes into: incoming (sổ đến, default) or outgoing (sổ đi). */
  book: 'incoming' | 'outgoing';
}

export const DEFAULT_PROFILES: CaptureProfile[] = [
  { name: 'Văn bản đến', source: 'adf', duplex: true, dpi: 300, mode: 'color', blankPages: 'drop', separator: 'qr', maxPagesPerDocument: 0, batch: false, bitonal: false, book: 'incoming' },
  { name: 'Số hóa hàng loạt', source: 'adf', duplex: true, dpi: 200, mode: 'gray', blankPages: 'drop', separator: 'qr', maxPagesPerDocument: 200, batch: true, bitonal: false, book: 'incoming' },
  // an outgoing mixed document (Lào Cai art. 9.2): already numbered, signed and stamped on paper
  { name: 'Văn bản đi', source: 'adf', duplex: true, dpi: 300, mode: 'color', blankPages: 'drop', separator: 'qr', maxPagesPerDocument: 0, batch: false, bitonal: false, book: 'outgoing' },
];

const invalid = (file: string, why: string) =>
  new SohoaError('config.invalid', `Tệp cấu hình cách quét "${file}" không hợp lệ: ${why}.`, `capture profiles ${file}: ${why}`);

/** Pure: checks one profile as written in the file; throws naming the profile and the field. */
export function checkProfile(p: unknown, file: string, i: number): CaptureProfile {
  const o = (p ?? {}) as Record<string, unknown>;
  const at = `cách quét thứ ${i + 1}${typeof o.name === 'string' ? ` ("${o.name}")` : ''}`;
  const oneOf = <T extends string>(k: string, values: readonly T[], def: T): T => {
    const v = o[k] ?? def;
    if (!values.includes(v as T)) throw invalid(file, `${at}: "${k}" phải là một trong ${values.map((x) => `"${x}"`).join(', ')}`);
    return v as T;
  };
  const bool = (k: string, def: boolean): boolean => {
    const v = o[k] ?? def;
    if (typeof v !== 'boolean') throw invalid(file, `${at}: "${k}" phải là true hoặc false`);
    return v;
  };
  if (typeof o.name !== 'string' || !o.name.trim() || o.name.length > 40) throw invalid(file, `${at}: thiếu "name" (tên nút, tối đa 40 ký tự)`);
  const dpi = o.dpi ?? 300;
  if (typeof dpi !== 'number' || !Number.isInteger(dpi) || dpi < 200 || dpi > 600) throw invalid(file, `${at}: "dpi" phải là số nguyên từ 200 đến 600 (Nghị định 30: tối thiểu 200 dpi)`);
  const max = o.maxPagesPerDocument ?? 0;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 2000) throw invalid(file, `${at}: "maxPagesPerDocument" phải là số nguyên từ 0 đến 2000`);
  const source = oneOf('source', ['adf', 'flatbed'] as const, 'adf');
  const duplex = bool('duplex', source === 'adf');
  if (source === 'flatbed' && duplex) throw invalid(file, `${at}: mặt kính (flatbed) không quét hai mặt`);
  return {
    name: o.name.trim(), source, duplex, dpi, mode: oneOf('mode', ['color', 'gray'] as const, 'color'),
    blankPages: oneOf('blankPages', ['drop', 'keep', 'separator'] as const, 'drop'), separator: oneOf('separator', ['qr', 'none'] as const, 'qr'),
    maxPagesPerDocument: max, batch: bool('batch', false), bitonal: bool('bitonal', false),
    book: oneOf('book', ['incoming', 'outgoing'] as const, 'incoming'),
  };
}

/** The provisioned profiles ('' = the defaults). Names must be unique: they are the buttons. */
export async function loadProfiles(path: string): Promise<CaptureProfile[]> {
  if (!path) return DEFAULT_PROFILES;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw invalid(path, `không đọc được tệp JSON (${(err as Error).message})`);
  }
  const list = Array.isArray(raw) ? raw : (raw as { profiles?: unknown })?.profiles;
  if (!Array.isArray(list) || list.length === 0 || list.length > 8) throw invalid(path, 'cần một danh sách từ 1 đến 8 cách quét');
  const profiles = list.map((p, i) => checkProfile(p, path, i));
  const seen = new Set<string>();
  for (const p of profiles) {
    if (seen.has(p.name)) throw invalid(path, `hai cách quét cùng tên "${p.name}"`);
    seen.add(p.name);
  }
  return profiles;
}

/** The scanner source a profile asks for. */
export const profileSource = (p: CaptureProfile): 'adf' | 'adf-duplex' | 'flatbed' =>
  p.source === 'flatbed' ? 'flatbed' : p.duplex ? 'adf-duplex' : 'adf';
