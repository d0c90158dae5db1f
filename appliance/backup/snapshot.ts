import { open, readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lastNumbersIn } from '../register/register.js';
import { listSegments } from '../audit/files.js';
import { toVnIso } from '../register/vn-time.js';
import { FORMAT, isBackupPath, sha256, type Manifest } from './manifest.js';
import type { TarEntry } from './tar.js';

// A consistent copy of the appliance's durable state taken while the service runs. Every file is
// read once, and those very bytes are hashed and archived. What makes that safe:
//  - register documents, counters, outbox state and packages and signed PDFs are replaced only by
//    atomic rename, so each read sees one whole version;
//  - audit.jsonl is only appended to: it is read up to its length at that moment, cut back to the
//    last complete line (an append may be half-visible); closed audit segments never change, and
//    the listing is taken again after the current file, so a rotation in between is seen; the chain
//    head (<dataDir>/audit-head.json) is read before them: it never runs ahead of the log;
//  - folders are read in the reverse order of the desk's flow (register → signed PDFs → outbox),
//    so whatever the register says was signed or queued is present in the later folders: a restore
//    may find the queue a step ahead of the register, never a document pointing at nothing.
// The register's counters.json is read before its documents: a number is written to a document
// before the checkpoint, so the checkpoint copied can never be ahead of the documents copied.

type ReadResult = { data: Buffer; mtime: number } | null;

/** Reads a whole file once, or null when it no longer exists. */
async function readOnce(path: string, maxBytes?: number): Promise<ReadResult> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = await fh.stat();
    const size = maxBytes === undefined ? st.size : Math.min(st.size, maxBytes);
    // Read exactly `size` bytes: what is appended after the stat belongs to the next backup.
    const data = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(data, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return { data: data.subarray(0, at), mtime: Math.floor(st.mtimeMs / 1000) };
  } finally {
    await fh.close();
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

const bump = (counts: Record<string, number>, key: string) => { counts[key] = (counts[key] ?? 0) + 1; };

export class Snapshot {
  readonly manifest: Manifest;

  constructor(private readonly dataDir: string, startedAt: Date) {
    this.manifest = {
      format: FORMAT, createdAt: toVnIso(startedAt), host: hostname(), dataDir,
      files: [],
      counts: { documents: 0, documentsByState: {}, lastArrivalNumber: {}, outboxItems: 0, outboxByState: {}, signedPdfs: 0 },
      auditLogBytes: 0, warnings: [],
    };
  }

  private entry(path: string, r: { data: Buffer; mtime: number }): TarEntry {
    if (!isBackupPath(path)) throw new Error(`backup: refusing to archive unexpected path ${path}`);
    this.manifest.files.push({ path, bytes: r.data.length, sha256: sha256(r.data) });
    return { path, data: r.data, mtime: r.mtime };
  }

  private lastNumber(year: string, n: number): void {
    const last = this.manifest.counts.lastArrivalNumber;
    if (n > (last[year] ?? 0)) last[year] = n;
  }

  /** The files to archive, in order; the manifest is complete once this is exhausted. */
  async *entries(): AsyncGenerator<TarEntry> {
    yield* this.register();
    yield* this.signedPdfs();
    yield* this.outbox();
  }

  private async *register(): AsyncGenerator<TarEntry> {
    const dir = join(this.dataDir, 'register');
    const counters = await readOnce(join(dir, 'counters.json'));
    if (counters) {
      try {
        for (const [year, n] of Object.entries(lastNumbersIn(counters.data.toString('utf8')))) this.lastNumber(year, n);
      } catch {
        this.manifest.warnings.push('register/counters.json is not a valid checkpoint (the register re-derives it from the documents)');
      }
      yield this.entry('register/counters.json', counters);
    }
    // Only whole documents: `*.json.tmp-*` are leftovers of interrupted atomic writes.
    for (const name of (await list(join(dir, 'documents'))).filter((n) => n.endsWith('.json'))) {
      const doc = await readOnce(join(dir, 'documents', name));
      if (!doc) {
        this.manifest.warnings.push(`register/documents/${name} vanished while the backup ran`);
        continue;
      }
      try {
        const e = JSON.parse(doc.data.toString('utf8')) as { state: string; year: number; arrivalNumber: number | null };
        this.manifest.counts.documents++;
        bump(this.manifest.counts.documentsByState, e.state);
        if (e.arrivalNumber !== null) this.lastNumber(String(e.year), e.arrivalNumber);
      } catch {
        this.manifest.warnings.push(`register/documents/${name} is not valid JSON; archived as it is`);
      }
      yield this.entry(`register/documents/${name}`, doc);
    }
    yield* this.auditLog(dir);
  }

  private async *auditLog(dir: string): AsyncGenerator<TarEntry> {
    const head = await readOnce(join(this.dataDir, 'audit-head.json'));
    if (head) yield this.entry('audit-head.json', head);
    // A rotation renames audit.jsonl into a closed segment: the same listing before and after the
    // current file is read means none happened in between (else read again).
    let segments: string[] = [];
    let audit: ReadResult = null;
    for (let attempt = 0; attempt < 5; attempt++) {
      segments = await listSegments(dir);
      audit = await readOnce(join(dir, 'audit.jsonl'));
      if ((await listSegments(dir)).join('/') === segments.join('/')) break;
    }
    for (const name of segments) {
      const seg = await readOnce(join(dir, name));
      if (!seg) {
        this.manifest.warnings.push(`register/${name} vanished while the backup ran`);
        continue;
      }
      yield this.entry(`register/${name}`, seg);
    }
    if (audit) {
      const whole = audit.data.lastIndexOf(0x0a) + 1; // up to the last complete line
      this.manifest.auditLogBytes = whole;
      yield this.entry('register/audit.jsonl', { data: audit.data.subarray(0, whole), mtime: audit.mtime });
    }
  }

  private async *signedPdfs(): AsyncGenerator<TarEntry> {
    for (const name of (await list(join(this.dataDir, 'documents'))).filter((n) => n.endsWith('.pdf'))) {
      const pdf = await readOnce(join(this.dataDir, 'documents', name));
      if (!pdf) {
        this.manifest.warnings.push(`documents/${name} vanished while the backup ran`);
        continue;
      }
      this.manifest.counts.signedPdfs++;
      yield this.entry(`documents/${name}`, pdf);
    }
  }

  private async *outbox(): AsyncGenerator<TarEntry> {
    const root = join(this.dataDir, 'outbox', 'items');
    for (const name of await list(root)) {
      // state.json is written last: without it the item is half-written and the outbox drops it too.
      // The package is package.edxml (kept whole) or head.xml + attachment.pdf + tail.xml (outbox/store.ts);
      // an accepted item past its retention keeps only its state and replies.
      const state = await readOnce(join(root, name, 'state.json'));
      if (!state) continue;
      const files: [string, Awaited<ReturnType<typeof readOnce>>][] = [];
      for (const f of ['package.edxml', 'head.xml', 'attachment.pdf', 'tail.xml', 'receipt.edxml', 'status.edxml']) {
        const data = await readOnce(join(root, name, f));
        if (data) files.push([f, data]);
      }
      try {
        bump(this.manifest.counts.outboxByState, (JSON.parse(state.data.toString('utf8')) as { state: string }).state);
      } catch {
        this.manifest.warnings.push(`outbox/items/${name}/state.json is not valid JSON; archived as it is`);
      }
      this.manifest.counts.outboxItems++;
      for (const [f, data] of files) if (f !== 'receipt.edxml' && f !== 'status.edxml') yield this.entry(`outbox/items/${name}/${f}`, data!);
      yield this.entry(`outbox/items/${name}/state.json`, state);
      for (const [f, data] of files) if (f === 'receipt.edxml' || f === 'status.edxml') yield this.entry(`outbox/items/${name}/${f}`, data!);
    }
  }
}
