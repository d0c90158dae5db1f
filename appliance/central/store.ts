import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../store/atomic-write.js';

// What the reference receiver keeps on disk, one folder per DocumentId:
//   documents/<sha256(DocumentId)>/package.edxml   the body exactly as received
//                                  attachments/…   each attachment decoded
//                                  status.edxml    the latest status package (01, then 03 or 02)
//                                  meta.json       written last: its presence means "received";
//                                                  also counts receptions (repeats included)
//   received.jsonl                                 arrival journal, one line per stored package

export type CentralStatus = '01' | '02' | '03';

export interface ReceivedMeta {
  documentId: string;
  bodySha256: string;
  receivedAt: string;
  from: string;
  /** The package's Subject (trích yếu), for the rejection rule. */
  subject: string;
  attachments: string[];
  /** Uploads of this DocumentId answered 202: the first, and every repeat of the same body. */
  received: number;
  /** Uploads refused with 409 (same DocumentId, another body). */
  conflicts: number;
  /** Packages stored under this DocumentId: 1, or more when a package rejected with 02 was sent again fixed. */
  versions: number;
  lastReceivedAt: string;
  status: CentralStatus;
  /** The reason given with a 02. */
  statusReason: string | null;
  /** What a status package answers for (ResponseFor). */
  responseFor: StatusFor;
  /** Who the package is addressed to (MessageHeader To, ToPlaces); absent in stores written before. */
  to?: { id: string; name: string }[];
  toPlaces?: string[];
}

export interface StatusFor { organId: string; code: string; promulgationDate: string; documentId: string }

export interface NewReceipt {
  documentId: string;
  body: Buffer;
  from: string;
  subject: string;
  responseFor: StatusFor;
  attachments: { name: string; bytes: Buffer }[];
  statusXml: string;
  receivedAt: string;
  to?: { id: string; name: string }[];
  toPlaces?: string[];
}

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

export class CentralStore {
  constructor(private readonly dataDir: string) {}

  async start(): Promise<void> {
    await mkdir(join(this.dataDir, 'documents'), { recursive: true });
  }

  private folder(documentId: string): string {
    return join(this.dataDir, 'documents', sha256(documentId));
  }

  async meta(documentId: string): Promise<ReceivedMeta | null> {
    return this.readMeta(join(this.folder(documentId), 'meta.json'));
  }

  private async readMeta(path: string): Promise<ReceivedMeta | null> {
    try {
      const m = JSON.parse(await readFile(path, 'utf8')) as Partial<ReceivedMeta> & Pick<ReceivedMeta, 'documentId' | 'bodySha256' | 'receivedAt' | 'from' | 'attachments'>;
      // a store written before receptions were counted: what it held had arrived once, status 01
      return {
        subject: '', responseFor: { organId: m.from, code: '', promulgationDate: '', documentId: m.documentId }, received: 1, conflicts: 0, versions: 1, lastReceivedAt: m.receivedAt, status: '01', statusReason: null, ...m,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Every DocumentId held, with its counts (for `sohoa central --list`). */
  async list(): Promise<ReceivedMeta[]> {
    const root = join(this.dataDir, 'documents');
    const names = await readdir(root).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const out: ReceivedMeta[] = [];
    for (const name of names) {
      const m = await this.readMeta(join(root, name, 'meta.json'));
      if (m) out.push(m);
    }
    return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.documentId.localeCompare(b.documentId));
  }

  /** The latest status package of a received document, or null. */
  async status(documentId: string): Promise<string | null> {
    if (!(await this.meta(documentId))) return null;
    return readFile(join(this.folder(documentId), 'status.edxml'), 'utf8');
  }

  /** Stores a new package (or the fixed version of one rejected with 02, which it replaces). */
  async save(r: NewReceipt, previous: ReceivedMeta | null = null): Promise<void> {
    const dir = this.folder(r.documentId);
    // A folder without meta.json is the leftover of an interrupted save: start it afresh.
    await rm(dir, { recursive: true, force: true });
    await atomicWrite(join(dir, 'package.edxml'), r.body);
    const names: string[] = [];
    for (const [i, a] of r.attachments.entries()) {
      // Names come from the sender: keep only a safe base name, numbered to stay unique.
      const name = `${i + 1}-${a.name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'attachment'}`;
      await atomicWrite(join(dir, 'attachments', name), a.bytes);
      names.push(name);
    }
    await atomicWrite(join(dir, 'status.edxml'), r.statusXml);
    const meta: ReceivedMeta = {
      documentId: r.documentId, bodySha256: sha256(r.body), receivedAt: r.receivedAt, from: r.from, subject: r.subject, responseFor: r.responseFor, attachments: names,
      received: (previous?.received ?? 0) + 1, conflicts: previous?.conflicts ?? 0, versions: (previous?.versions ?? 0) + 1,
      lastReceivedAt: r.receivedAt, status: '01', statusReason: null,
      ...(r.to ? { to: r.to } : {}), ...(r.toPlaces ? { toPlaces: r.toPlaces } : {}),
    };
    await this.writeMeta(meta);
    await this.journal({ documentId: r.documentId, from: r.from, receivedAt: r.receivedAt });
  }

  /** Counts a repeat (same body: answered with the stored reply) or a conflict (409). */
  async count(meta: ReceivedMeta, what: 'received' | 'conflicts', at: string): Promise<void> {
    await this.writeMeta({ ...meta, [what]: meta[what] + 1, ...(what === 'received' ? { lastReceivedAt: at } : {}) });
  }

  /** The central system's decision after 01: 03 accepted, or 02 rejected with its reason. */
  async setStatus(meta: ReceivedMeta, status: CentralStatus, statusXml: string, reason: string | null): Promise<void> {
    await atomicWrite(join(this.folder(meta.documentId), 'status.edxml'), statusXml);
    await this.writeMeta({ ...meta, status, statusReason: reason });
  }

  private writeMeta(meta: ReceivedMeta): Promise<void> {
    return atomicWrite(join(this.folder(meta.documentId), 'meta.json'), JSON.stringify(meta, null, 2));
  }

  private async journal(line: object): Promise<void> {
    const path = join(this.dataDir, 'received.jsonl');
    await appendFile(path, JSON.stringify(line) + '\n');
    const fh = await open(path, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
  }
}
