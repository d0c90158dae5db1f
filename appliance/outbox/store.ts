import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite, PRIVATE_DIR, syncDir } from '../store/atomic-write.js';
import { Quarantine } from '../store/quarantine.js';
import { readStateFile, writeStateFile, type StateFileFormat } from '../store/state-file.js';
import { measureBody, splitAtAttachments, type PackageFiles } from './package-body.js';

// The queue on disk, one folder per document:
//   items/<docId>/head.xml        the package's text before the attachment's base64 (written first)
//   items/<docId>/attachment.pdf  the signed PDF (a hard link to documents/<docId>.pdf when it can)
//   items/<docId>/tail.xml        the text after it — body = head + base64(PDF) + tail
//   items/<docId>/mid-K.xml, attachment-K.pdf   a document split into parts under 50 MB each
//                                 (Tuyên Quang art. 8.4): part K's PDF and the text before its
//                                 base64 — body = head + b64(PDF) + mid-2 + b64(PDF 2) + … + tail
//   items/<docId>/package.edxml   instead of the three: a package kept whole (no attachment, or
//                                 queued by an older version)
//   items/<docId>/state.json      the item's state (written last: its presence means "queued")
//   items/<docId>/receipt.edxml   the central system's reply to the upload (01)
//   items/<docId>/status.edxml    its latest status read after that (03, or 02 with the reason)
// An item whose state.json cannot be read is set aside whole in the quarantine: nothing of it is
// deleted, and the rest of the queue goes out.

/**
 * queued (waiting, or retrying after a failure), sending, held (by a technician), delivered
 * (arrived: 01, its status is polled), accepted (03), rejected (02, or a final 4xx).
 */
export type OutboxState = 'queued' | 'sending' | 'held' | 'delivered' | 'accepted' | 'rejected';
export const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sending', 'held', 'delivered', 'accepted', 'rejected'];

export interface OutboxItem {
  docId: string;
  documentId: string;
  /** Enqueue order. */
  seq: number;
  /** 0 normal, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc (edXML Priority): higher goes first. */
  priority: number;
  state: OutboxState;
  /** Uploads tried. */
  attempts: number;
  enqueuedAt: string;
  lastAttemptAt: string | null;
  /** The next upload (queued) or status read (delivered); null = as soon as it is its turn. */
  nextAttemptAt: string | null;
  /** The central system's latest StatusCode (01, 02, 03…). */
  statusCode: string | null;
  /** Plain-Vietnamese reason of the last failure or of a rejection, shown to the clerk. */
  lastError: string | null;
  /** The central system refused this device's credentials (401/403) on the last try. */
  credentialsRefused: boolean;
  /** When the central system said 01. */
  deliveredAt: string | null;
  /** When it said 03. */
  acceptedAt: string | null;
  /** Status reads after 01. */
  polls: number;
  /** SHA-256 (hex) and length of the body as sent; the Content-Digest of every upload. */
  bodySha256: string | null;
  bodyBytes: number | null;
  /** Kept as head + attachment.pdf + tail (else package.edxml whole). */
  attachment: boolean;
  /** Attachments kept as parts when more than one (a document split under 50 MB each); absent = 1. */
  attachments?: number;
  /** When the retention removed the local copy (package and signed PDF) after 03. */
  localCopyRemovedAt: string | null;
}

const ITEM: StateFileFormat = {
  format: 'outbox.item',
  indent: 2,
  check: (d) => typeof d.docId === 'string' && typeof d.documentId === 'string' && Number.isInteger(d.seq) &&
    Number.isInteger(d.priority) && OUTBOX_STATES.includes(d.state as OutboxState) && Number.isInteger(d.attempts),
};

/** An item queued by an earlier version: whole package, no status read yet, nothing removed. */
const ADDED_FIELDS: Pick<OutboxItem, 'acceptedAt' | 'polls' | 'bodySha256' | 'bodyBytes' | 'attachment' | 'localCopyRemovedAt'> = {
  acceptedAt: null, polls: 0, bodySha256: null, bodyBytes: null, attachment: false, localCopyRemovedAt: null,
};

/** What enqueue hands the store: a whole package, or its parts around a signed PDF file. */
export type PackageSource = { xml: string; pdfPath?: string; pdfPaths?: string[] } | { head: string; tail: string; pdfPath: string }
  /** Parts: the n + 1 package texts around n signed PDFs' base64, each PDF streamed from its file. */
  | { texts: string[]; pdfPaths: string[] };

const PACKAGE_FILE = /^(?:(?:head|tail|mid-\d+)\.xml|attachment(?:-\d+)?\.pdf|package\.edxml)$/;

export class OutboxStore {
  private readonly quarantine: Quarantine;

  /** The appliance passes its `<dataDir>/quarantine`; on its own the queue keeps one in `<dir>/quarantine`. */
  constructor(private readonly dir: string, quarantine?: Quarantine) {
    this.quarantine = quarantine ?? new Quarantine({ dataDir: dir });
  }

  folder(docId: string): string {
    return join(this.dir, 'items', encodeURIComponent(docId));
  }

  /** Loads every complete item; folders left half-written by a crash are removed, unreadable ones set aside. */
  async load(): Promise<OutboxItem[]> {
    const root = join(this.dir, 'items');
    await mkdir(root, { recursive: true, mode: PRIVATE_DIR });
    const items: OutboxItem[] = [];
    for (const name of await readdir(root)) {
      const dir = join(root, name);
      const read = await readStateFile<OutboxItem>(join(dir, 'state.json'), ITEM, {
        quarantine: this.quarantine, store: 'outbox', setAside: { name, from: dir },
      });
      // fields added since format 2 was written (streamed parts, status reads, retention) default off
      if (read.status === 'ok') items.push({ ...ADDED_FIELDS, ...read.value });
      else if (read.status === 'missing') await rm(dir, { recursive: true, force: true });
    }
    return items;
  }

  /**
   * Writes a new item's package: parts first, state last (by save()); on failure nothing of it is
   * left. A whole package with the path of its PDF is cut around the attachment and kept as parts
   * when they give back exactly the same bytes (checked by digest), else kept whole.
   */
  async createPackage(docId: string, src: PackageSource): Promise<{ bodySha256: string; bodyBytes: number; attachment: boolean; attachments?: number }> {
    const dir = this.folder(docId);
    await rm(dir, { recursive: true, force: true });
    try {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
      if ('head' in src) return { ...(await this.writeParts(dir, [src.head, src.tail], [src.pdfPath])), attachment: true };
      if ('texts' in src) return { ...(await this.writeParts(dir, src.texts, src.pdfPaths)), attachment: true, ...(src.pdfPaths.length > 1 ? { attachments: src.pdfPaths.length } : {}) };
      const whole = { bodySha256: createHash('sha256').update(src.xml).digest('hex'), bodyBytes: Buffer.byteLength(src.xml) };
      const pdfs = src.pdfPaths ?? (src.pdfPath ? [src.pdfPath] : []);
      const cut = pdfs.length ? splitAtAttachments(src.xml) : null;
      if (cut && cut.base64.length === pdfs.length) {
        const parts = await this.writeParts(dir, cut.texts, pdfs);
        if (parts.bodySha256 === whole.bodySha256) return { ...parts, attachment: true, ...(pdfs.length > 1 ? { attachments: pdfs.length } : {}) };
        await this.removePackage(docId);
      }
      await atomicWrite(join(dir, 'package.edxml'), src.xml);
      return { ...whole, attachment: false };
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** texts: the n + 1 package texts around the n PDFs' base64 (see the layout above). */
  private async writeParts(dir: string, texts: string[], pdfPaths: string[]): Promise<{ bodySha256: string; bodyBytes: number }> {
    const files = layout(dir, pdfPaths.length);
    await atomicWrite(files.head, texts[0]!);
    await atomicWrite(files.tail!, texts[texts.length - 1]!);
    for (const [k, m] of (files.more ?? []).entries()) await atomicWrite(m.text, texts[k + 1]!);
    // A hard link costs no space and survives the signed PDF being replaced (atomicWrite renames a
    // new file over it); another file system gets a copy.
    const targets = [files.pdf!, ...(files.more ?? []).map((m) => m.pdf)];
    for (const [k, pdfPath] of pdfPaths.entries()) {
      await link(pdfPath, targets[k]!).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EXDEV' && err.code !== 'EPERM') throw err;
        await copyFile(pdfPath, targets[k]!);
      });
    }
    await syncDir(dir);
    const m = await measureBody(files);
    return { bodySha256: m.sha256, bodyBytes: m.bytes };
  }

  files(item: Pick<OutboxItem, 'docId' | 'attachment' | 'attachments'>): PackageFiles {
    const dir = this.folder(item.docId);
    return item.attachment ? layout(dir, item.attachments ?? 1) : { head: join(dir, 'package.edxml'), pdf: null, tail: null };
  }

  save(item: OutboxItem): Promise<void> {
    return writeStateFile(join(this.folder(item.docId), 'state.json'), ITEM, item);
  }

  saveReceipt(docId: string, xml: string, name: 'receipt.edxml' | 'status.edxml' = 'receipt.edxml'): Promise<void> {
    return atomicWrite(join(this.folder(docId), name), xml);
  }

  /** The whole package as text (small packages, export); large ones go through package-body.ts. */
  async readPackage(item: Pick<OutboxItem, 'docId' | 'attachment' | 'attachments'>): Promise<string> {
    const f = this.files(item);
    if (!f.pdf) return readFile(f.head, 'utf8');
    let xml = (await readFile(f.head, 'utf8')) + (await readFile(f.pdf)).toString('base64');
    for (const m of f.more ?? []) xml += (await readFile(m.text, 'utf8')) + (await readFile(m.pdf)).toString('base64');
    return xml + (await readFile(f.tail!, 'utf8'));
  }

  /** Removes the package (retention after 03); state and receipts stay as the record. */
  async removePackage(docId: string): Promise<void> {
    const dir = this.folder(docId);
    for (const f of await readdir(dir).catch(() => [])) if (PACKAGE_FILE.test(f)) await rm(join(dir, f), { force: true });
    await syncDir(dir);
  }
}

/** The files of a package kept as parts around n PDFs. */
function layout(dir: string, n: number): PackageFiles {
  const more = Array.from({ length: n - 1 }, (_, k) => ({ text: join(dir, `mid-${k + 2}.xml`), pdf: join(dir, `attachment-${k + 2}.pdf`) }));
  return { head: join(dir, 'head.xml'), pdf: join(dir, 'attachment.pdf'), ...(more.length ? { more } : {}), tail: join(dir, 'tail.xml') };
}
