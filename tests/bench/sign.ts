import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { projectPath } from '../../appliance/config/paths.js';
import { buildSearchablePdf } from '../../appliance/pdf/searchable-pdf.js';
import { pemToDerList } from '../../appliance/sign/pem.js';
import { signPdf } from '../../appliance/sign/sign-pdf.js';
import { softwareSigner, type CmsSigner } from '../../appliance/sign/signer.js';

// Signing overhead without the token's own C_Sign time (a software key stands in and its time is
// subtracted): a 1-page searchable PDF (target p50 ≤ 30 ms) and a 50 MB PDF (≤ 1 s, peak RSS
// growth ≤ 64 MB; measured in a child process so the set-up's memory does not count).

const exec = promisify(execFile);

interface Pki { keyPem: string; certDer: Uint8Array }

async function selfSigned(dir: string): Promise<Pki> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPath = join(dir, 'k.pem');
  await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const conf = join(dir, 'c.cnf');
  await writeFile(conf, '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nkeyUsage=critical,digitalSignature,nonRepudiation,keyCertSign\nbasicConstraints=critical,CA:true\n');
  await exec('openssl', ['req', '-x509', '-new', '-key', keyPath, '-subj', '/CN=Sohoa bench', '-days', '30', '-config', conf, '-extensions', 'ext', '-out', join(dir, 'c.pem')]);
  return { keyPem: await readFile(keyPath, 'utf8'), certDer: pemToDerList(await readFile(join(dir, 'c.pem'), 'utf8'))[0]! };
}

/** The signer with the time spent inside sign() accumulated, to subtract it. */
function timed(inner: CmsSigner): CmsSigner & { spent: number } {
  const t = { ...inner, spent: 0 };
  t.sign = async (data) => {
    const s = performance.now();
    try { return await inner.sign(data); } finally { t.spent += performance.now() - s; }
  };
  return t;
}

async function signOnce(pdf: Uint8Array, pki: Pki, seal: Uint8Array): Promise<{ ms: number; outBytes: number }> {
  const signer = timed(softwareSigner(pki.keyPem, pki.certDer, []));
  const start = performance.now();
  const res = await signPdf(pdf, signer, { agencyName: 'VĂN PHÒNG UBND TỈNH (BENCH)', sealPng: seal, time: new Date(), appearance: 'seal', trustAnchors: [pki.certDer] });
  return { ms: performance.now() - start - signer.spent, outBytes: res.pdf.length };
}

async function bigPdf(file: string, targetBytes: number): Promise<void> {
  // Noise does not compress: each 1500×1500 q95 JPEG is ~2 MB.
  const doc = await PDFDocument.create();
  const noise = Buffer.alloc(1500 * 1500 * 3);
  let total = 0;
  for (let i = 0; total < targetBytes; i++) {
    for (let j = 0; j < noise.length; j++) noise[j] = (Math.random() * 256) | 0;
    const jpg = await sharp(noise, { raw: { width: 1500, height: 1500, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const page = doc.addPage([540, 540]);
    page.drawImage(await doc.embedJpg(jpg), { x: 0, y: 0, width: 540, height: 540 });
    total += jpg.length;
  }
  await writeFile(file, await doc.save({ useObjectStreams: false }));
}

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const r1 = (n: number) => Math.round(n * 10) / 10;

export async function run(_args: string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-sign-'));
  try {
    const pki = await selfSigned(dir);
    await writeFile(join(dir, 'pki.json'), JSON.stringify({ keyPem: pki.keyPem, certDer: Buffer.from(pki.certDer).toString('base64') }));
    const seal = await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 220, g: 0, b: 0, alpha: 0.8 } } }).png().toBuffer();
    await writeFile(join(dir, 'seal.png'), seal);

    const page = projectPath('tests', 'fixtures', 'sign', 'page-color-200dpi.jpg');
    const onePage = await buildSearchablePdf([{ imagePath: page, width: 1653, height: 2339, dpi: 200, lines: [] }], { title: 'bench' });
    const times: number[] = [];
    for (let i = 0; i < 40; i++) times.push((await signOnce(onePage, pki, seal)).ms);
    const warm = times.slice(5);
    console.log(JSON.stringify({ bench: 'sign', case: '1-page', pdfBytes: onePage.length, iterations: warm.length, p50: r1(p(warm, 0.5)), p95: r1(p(warm, 0.95)), target_p50: 30, unit: 'ms' }));

    const big = join(dir, 'big.pdf');
    await bigPdf(big, 50 * 1024 * 1024);
    const child = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), big, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      c.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`bench child exited ${code}`))));
    });
    console.log(child);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Child: sign the big PDF once after a warm-up on a small one; report time and RSS growth. */
async function child(file: string, dir: string): Promise<void> {
  const j = JSON.parse(await readFile(join(dir, 'pki.json'), 'utf8')) as { keyPem: string; certDer: string };
  const pki = { keyPem: j.keyPem, certDer: new Uint8Array(Buffer.from(j.certDer, 'base64')) };
  const seal = new Uint8Array(await readFile(join(dir, 'seal.png')));
  const small = await PDFDocument.create();
  small.addPage();
  await signOnce(await small.save(), pki, seal); // load the code paths
  const pdf = new Uint8Array(await readFile(file));
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
  const r = await signOnce(pdf, pki, seal);
  clearInterval(sampler);
  // maxRSS (kB) covers the synchronous stretches the sampler cannot see — but it is the lifetime
  // peak, so it only counts when signing raised it (an earlier peak, e.g. reading the file, is not ours).
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
  console.log(JSON.stringify({ bench: 'sign', case: '50MB', pdfBytes: pdf.length, ms: r1(r.ms), target_ms: 1000, rssGrowthMB: r1((peak - before) / 1048576), target_rssGrowthMB: 64, unit: 'ms' }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await child(process.argv[2]!, process.argv[3]!);
}
