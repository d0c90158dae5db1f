import { SohoaError } from '../errors.js';
import { profileSource, type CaptureProfile } from './profiles.js';

// What one touch of a profile button means for a scanner run: the profile (capture/profiles.ts)
// turned into the settings of a scan, and the name the clerk touched checked against the list.

export interface ProfileScanSettings {
  source: 'adf' | 'adf-duplex' | 'flatbed';
  mode: 'color' | 'gray';
  dpi: number;
  /** A single document stops after this many pages (absent: until the feeder is empty). */
  maxPages?: number;
  /** Blank pages keep their place as pages when the profile says 'keep'. */
  keepBlank: boolean;
  /** The profile starts a batch ("Số hóa hàng loạt"). */
  batch: boolean;
}

/** Pure: the scan a profile asks for. */
export function profileScan(p: CaptureProfile): ProfileScanSettings {
  return {
    source: profileSource(p), mode: p.mode, dpi: p.dpi,
    // a batch splits by document (Stacks); the page limit stops only a single document's run
    ...(p.maxPagesPerDocument > 0 && !p.batch ? { maxPages: p.maxPagesPerDocument } : {}),
    keepBlank: p.blankPages === 'keep', batch: p.batch,
  };
}

/** The profile of that name; throws request.invalid (the button list is stale) when there is none. */
export function findProfile(profiles: readonly CaptureProfile[], name: string): CaptureProfile {
  const p = profiles.find((x) => x.name === name.normalize('NFC'));
  if (!p) {
    throw new SohoaError('request.invalid', `Không có cách quét "${name}". Hãy tải lại màn hình quét để thấy các cách quét hiện có.`,
      `no capture profile named ${JSON.stringify(name)} (have: ${profiles.map((x) => x.name).join(', ')})`);
  }
  return p;
}
