import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../store/atomic-write.js';

// What the reference receiver keeps on disk, one folder per DocumentId:
//   documents/<sha256(DocumentId)>/package.edxml   the body exactly as received
//                                  attachments/…   each attachment decoded
//                                  status.edxml    the latest status package (the 202 reply)
//                                  meta.json       written last: its presence means "received"
//   received.jsonl                                 arrival journal, one line per new package

export interface ReceivedMeta {
  documentId: string;
  bodySha256: string;
  receivedAt: string;
  from: string;
  attachments: string[];
}

export interface NewReceipt {
  documentId: string;
  body: Buffer;
  from: string;
  attachments: { name: string; bytes: Buffer }[];
  statusXml: string;
  receivedAt: string;
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
    try {
      return JSON.parse(await readFile(join(this.folder(documentId), 'meta.json'), 'utf8')) as ReceivedMeta;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** The latest status package of a received document, or null. */
  async status(documentId: string): Promise<string | null> {
    if (!(await this.meta(documentId))) return null;
    return readFile(join(this.folder(documentId), 'status.edxml'), 'utf8');
  }

  async save(r: NewReceipt): Promise<void> {
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
    const meta: ReceivedMeta = { documentId: r.documentId, bodySha256: sha256(r.body), receivedAt: r.receivedAt, from: r.from, attachments: names };
    await atomicWrite(join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
    await this.journal({ documentId: r.documentId, from: r.from, receivedAt: r.receivedAt });
  }

  private async journal(line: object): Promise<void> {
    const path = join(this.dataDir, 'received.jsonl');
    await appendFile(path, JSON.stringify(line) + '\n');
    const fh = await open(path, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
  }
}
