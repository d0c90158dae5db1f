import { createHash } from 'node:crypto';

// What a backup says about itself: the last entry of the archive, `manifest.json`. Restore trusts
// nothing in the archive that this list does not name with the same SHA-256.

export const MANIFEST_PATH = 'manifest.json';
export const FORMAT = 'sohoa-backup/1';

export interface ManifestFile {
  /** Relative to the data folder, with forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  /** When the snapshot started, ISO 8601 +07:00. */
  createdAt: string;
  host: string;
  /** The data folder it was taken from. */
  dataDir: string;
  files: ManifestFile[];
  counts: {
    /** Register entries (secret ones included: they hold no content). */
    documents: number;
    documentsByState: Record<string, number>;
    /** Last số đến issued per year: the restored register continues from here. */
    lastArrivalNumber: Record<string, number>;
    outboxItems: number;
    outboxByState: Record<string, number>;
    signedPdfs: number;
  };
  /** audit.jsonl is append-only and may grow during the snapshot: it is taken up to this length (closed segments whole). */
  auditLogBytes: number;
  /** Things the technician should know (files that changed or vanished while being read). */
  warnings: string[];
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * The data-folder paths a backup may hold — and so the only ones restore will write. Scans in
 * progress (spool/, jobs/), the development token and anything else are never in a backup.
 */
const ALLOWED = [
  /^register\/(counters\.json|audit\.jsonl)$/,
  // Closed audit segments (appliance/audit/files.ts) and the chain head kept beside the register.
  /^register\/audit-(legacy|\d{4}-\d\d)(-\d+)?\.jsonl$/,
  /^audit-head\.json$/,
  /^register\/documents\/[A-Za-z0-9._-]+\.json$/,
  /^outbox\/items\/[A-Za-z0-9._%-]+\/(package\.edxml|state\.json|receipt\.edxml)$/,
  /^documents\/[A-Za-z0-9._-]+\.pdf$/,
];

export function isBackupPath(path: string): boolean {
  return !path.split('/').some((part) => part === '..' || part === '.' || part === '') && ALLOWED.some((re) => re.test(path));
}
