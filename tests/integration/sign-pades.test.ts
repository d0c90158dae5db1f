import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf, type SignOptions } from '../../appliance/sign/sign-pdf.js';
import { softwareSigner } from '../../appliance/sign/signer.js';
import { SohoaError } from '../../appliance/errors.js';
import { makeTestPki, type TestPki } from '../fixtures/sign/test-pki.js';

const run = promisify(execFile);

let pki: TestPki;
let work: string;
let seal: Uint8Array;

async function plainPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  page.drawText('Test document', { x: 72, y: 700, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save({ useObjectStreams: false });
}

const opts = (): SignOptions => ({
  agencyName: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (KIỂM THỬ)', sealPng: seal, time: new Date(), appearance: 'seal',
  reason: 'Ký số văn bản đến', location: 'Lào Cai', trustAnchors: [pki.caDer],
});

async function pdfsig(file: string): Promise<string> {
  const r = await run('pdfsig', ['-nssdir', `sql:${pki.nssDir}`, file]).catch((e: { stdout: string; stderr: string }) => e);
  return r.stdout + r.stderr;
}

/** Extracts the CMS and the signed bytes of signature `n` by its /ByteRange. */
function extract(pdf: Uint8Array, n = 0): { cms: Buffer; signed: Buffer } {
  const text = Buffer.from(pdf).toString('latin1');
  const m = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)][n]!;
  const [a, b, c, d] = m.slice(1, 5).map(Number) as [number, number, number, number];
  const hex = text.slice(b + 1, c - 1).replace(/(00)+$/, '');
  return { cms: Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex'), signed: Buffer.concat([Buffer.from(pdf.subarray(a, a + b)), Buffer.from(pdf.subarray(c, c + d))]) };
}

beforeAll(async () => {
  pki = await makeTestPki();
  work = await mkdtemp(join(tmpdir(), 'sohoa-sign-'));
  const { stdout } = await run('node', ['-e', `require('sharp')({create:{width:400,height:400,channels:4,background:{r:0,g:0,b:0,alpha:0}}}).composite([{input:Buffer.from('<svg width="400" height="400"><circle cx="200" cy="200" r="190" fill="none" stroke="red" stroke-width="14"/></svg>')}]).png().toBuffer().then(b=>process.stdout.write(b.toString('base64')))`], { cwd: process.cwd() });
  seal = new Uint8Array(Buffer.from(stdout, 'base64'));
});
afterAll(async () => {
  await pki?.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('signPdf with a software RSA key', () => {
  it('produces a PAdES signature pdfsig and openssl accept', async () => {
    const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
    const res = await signPdf(await plainPdf(), signer, opts());
    expect(res.level).toBe('B-B');
    const file = join(work, 'signed.pdf');
    await writeFile(file, res.pdf);
    if (process.env.SOHOA_KEEP) await writeFile(process.env.SOHOA_KEEP, res.pdf);
    const out = await pdfsig(file);
    expect(out).toContain('Signature is Valid');
    expect(out).toContain('Certificate is Trusted');
    expect(out).toContain('ETSI.CAdES.detached');

    const { cms, signed } = extract(res.pdf);
    await writeFile(join(work, 'sig.der'), cms);
    await writeFile(join(work, 'content.bin'), signed);
    const v = await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(work, 'sig.der'), '-content', join(work, 'content.bin'), '-CAfile', pki.caPath, '-purpose', 'any', '-out', '/dev/null']);
    expect(v.stderr).toContain('Verification successful');
    const printed = (await run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(work, 'sig.der')])).stdout;
    expect(printed).toMatch(/id-smime-aa-signingCertificateV2|1\.2\.840\.113549\.1\.9\.16\.2\.47/);
    expect(printed).not.toContain('signingTime');
  });
});
