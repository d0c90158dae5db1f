import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNewDocumentPackage } from '../../appliance/edxml/index.js';
import { EventBus } from '../../appliance/events.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import { splitAtAttachment } from '../../appliance/outbox/package-body.js';
import { startCentralProcess } from '../helpers/central-process.js';
import { argValue } from './rss-sampler.js';

// Sending a 50 MB signed PDF (the edXML limit) to the reference receiver in another process:
// the outbox keeps head + PDF + tail and base64-encodes the PDF on the fly, so this process's peak
// RSS growth while sending stays far below the ~67 MB body (target ≤ 64 MB). The growth is this
// process's own RSS (sampled every 10 ms) above what it had right before the upload started; the
// receiver's memory is its own process's. Options: --mb=N (default 50).

const TOKEN = 'bench-send-token';

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

export async function run(args: string[]): Promise<void> {
  const mb = Number(argValue(args, 'mb') ?? 50);
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-send-'));
  const central = await startCentralProcess(['--port', '0', '--data-dir', join(dir, 'central'), '--token', TOKEN, '--max-mb', String(Math.ceil(mb * 1.4 + 8))]);
  try {
    // a PDF-like file of the size asked (random bytes: base64 of them cannot be guessed or compressed)
    const pdfPath = join(dir, 'signed.pdf');
    const size = Math.floor(mb * 1024 * 1024);
    const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n')];
    for (let left = size - 16; left > 0; left -= 4 * 1024 * 1024) chunks.push(randomBytes(Math.min(left, 4 * 1024 * 1024)));
    chunks.push(Buffer.from('\n%%EOF\n'));
    await writeFile(pdfPath, Buffer.concat(chunks));
    chunks.length = 0;
    const built = buildNewDocumentPackage({
      from: { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH' }, to: [{ id: '000.00.00.H00', name: 'TRUNG TÂM' }],
      fields: { ...emptyFields(), numberNotation: '50/UBND-VP', date: '2024-03-05', summary: 'Văn bản lớn', pages: 1 },
      attachment: { fileName: 'van-ban-lon.pdf', pdf: new Uint8Array(Buffer.from('%PDF-1.7\n%%EOF\n')) },
    });
    const cut = splitAtAttachment(built.xml)!;

    const outbox = new Outbox({
      dir: join(dir, 'outbox'), centralUrl: central.url, deviceToken: TOKEN, bus: new EventBus(), log: silentLogger(),
      minDelayMs: 100, maxDelayMs: 1000, statusPollMs: 3_600_000, timeoutMs: 300_000,
    });
    // queued before the outbox runs: what is measured below is the upload alone
    await outbox.enqueue('2024-000050', built.documentId, { head: cut.head, tail: cut.tail }, { pdfPath });
    const bodyBytes = outbox.get('2024-000050')!.bodyBytes!;
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 200));
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
    const started = performance.now();
    await outbox.start();
    while (outbox.get('2024-000050')?.state !== 'delivered') {
      if (outbox.get('2024-000050')?.lastError && outbox.get('2024-000050')!.attempts > 3) throw new Error(`upload failed: ${outbox.get('2024-000050')!.lastError}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    await outbox.stop();

    const docs = join(dir, 'central', 'documents');
    const [folder] = await readdir(docs);
    const [att] = await readdir(join(docs, folder!, 'attachments'));
    const exact = (await sha256File(join(docs, folder!, 'attachments', att!))) === (await sha256File(pdfPath));
    const toMb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    process.stdout.write(JSON.stringify({
      bench: 'send', pdfMb: toMb(size), bodyMb: toMb(bodyBytes), ms: Math.round(ms), mbPerS: Math.round((bodyBytes / 1024 / 1024 / (ms / 1000)) * 10) / 10,
      rssBaselineMb: toMb(baseline), rssPeakMb: toMb(peak), rssGrowthMb: toMb(peak - baseline), targetGrowthMb: 64, receivedExact: exact, unit: 'ms, MB',
    }) + '\n');
  } finally {
    await central.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
