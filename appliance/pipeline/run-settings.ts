import { findProfile, profileScan } from '../capture/profile-scan.js';
import type { CaptureProfile } from '../capture/profiles.js';
import type { ScanOptions } from './desk.js';
import { stackPolicy, type StackPolicy } from './stack-marks.js';

// What one scanner run is set to: the configured defaults, then the named profile's (refused when
// unknown: the screen's list is stale), then the request's own.

export interface ScanDefaults {
  source: 'adf' | 'adf-duplex' | 'flatbed';
  mode: 'color' | 'gray';
  dpi: number;
}

/** The settings of one scanner run: the defaults, the profile's, then the request's own. */
export interface RunSettings extends ScanDefaults {
  maxPages?: number;
  keepBlank?: boolean;
}

/** A run's settings with what stays with its job: the profile's name, batch or not, its register book and stack policies. */
export type ResolvedRun = RunSettings & { profile?: string; batch: boolean; book?: 'incoming' | 'outgoing'; stack?: StackPolicy };

export function resolveRunSettings(defaults: ScanDefaults, profiles: CaptureProfile[], opts: ScanOptions): ResolvedRun {
  const { profile: name, ...own } = opts;
  const explicit = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) as Partial<ScanDefaults>;
  if (!name) return { ...defaults, ...explicit, batch: false };
  const p = findProfile(profiles, name);
  const { batch, ...scan } = profileScan(p);
  // the profile's name and book stay with the job (the register book it goes into); a batch
  // splits the stack by the profile's separator, blank-sheet and page-limit policies
  return { ...defaults, ...scan, ...explicit, profile: p.name, batch, book: p.book ?? 'incoming', stack: stackPolicy(p) };
}
