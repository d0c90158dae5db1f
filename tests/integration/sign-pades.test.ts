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
import { startTestTsa } from '../fixtures/sign/test-tsa.js';
import { verifyPdf } from '../../appliance/sign/verify.js';

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
  // The CMS is one DER SEQUENCE padded with zeros to the reserved room: cut it at its own length
  // (stripping trailing 00s also cut a signature whose last byte is 0, about one run in 256).
  const room = Buffer.from(text.slice(b + 1, c - 1), 'hex');
  const lenBytes = room[1]! & 0x80 ? room[1]! & 0x7f : 0;
  const bodyLen = lenBytes ? room.subarray(2, 2 + lenBytes).reduce((n, x) => n * 256 + x, 0) : room[1]!;
  return { cms: room.subarray(0, 2 + lenBytes + bodyLen), signed: Buffer.concat([Buffer.from(pdf.subarray(a, a + b)), Buffer.from(pdf.subarray(c, c + d))]) };
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

  it('verifyPdf accepts it and reports signer, time, appearance', async () => {
    const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
    const time = new Date(Math.floor(Date.now() / 1000) * 1000);
    const res = await signPdf(await plainPdf(), signer, { ...opts(), time });
    const rep = await verifyPdf(res.pdf, { trustAnchors: [pki.caDer] });
    expect(rep.errors).toEqual([]);
    expect(rep.valid).toBe(true);
    const s0 = rep.signatures[0]!;
    expect(s0).toMatchObject({ subFilter: 'ETSI.CAdES.detached', signingTime: time.toISOString(), level: 'B-B', appearance: true, page: 1, coversWholeFile: true });
    expect(s0.signer).toContain('CN=Văn phòng UBND tỉnh (kiểm thử)');
    expect(s0.chain.ok).toBe(true);
    // Untrusted anchors: integrity still fine, the chain is not.
    const stranger = await verifyPdf(res.pdf, { trustAnchors: [pki.strangerLeaf.certDer] });
    expect(stranger.valid).toBe(false);
    expect(stranger.signatures[0]!.integrity.digest).toBe(true);
  });

  it('a byte flipped in the signed range fails in pdfsig and in verifyPdf', async () => {
    const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
    const res = await signPdf(await plainPdf(), signer, opts());
    const bad = Buffer.from(res.pdf);
    // One bit inside the page's (compressed) content stream, well within the first signed range.
    bad[bad.indexOf('stream', bad.indexOf('/Length')) + 20]! ^= 0x01;
    const file = join(work, 'flipped.pdf');
    await writeFile(file, bad);
    const out = await pdfsig(file);
    expect(out).not.toContain('Signature is Valid');
    expect(out).toMatch(/Signature is Invalid|Digest Mismatch/i);
    const rep = await verifyPdf(bad, { trustAnchors: [pki.caDer] });
    expect(rep.valid).toBe(false);
    expect(rep.signatures[0]!.integrity.digest).toBe(false);
  });

  it('content appended after signing is reported as modified', async () => {
    const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
    const res = await signPdf(await plainPdf(), signer, opts());
    const rep = await verifyPdf(Buffer.concat([res.pdf, Buffer.from('\n% tampered\n')]), { trustAnchors: [pki.caDer] });
    expect(rep.modifiedAfterSigning).toBe(true);
    expect(rep.valid).toBe(false);
  });

  it('signing twice keeps both signatures valid (incremental update)', async () => {
    const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
    const once = await signPdf(await plainPdf(), signer, opts());
    const ec = softwareSigner(pki.ec.keyPem, pki.ec.certDer, [pki.caDer]);
    const twice = await signPdf(once.pdf, ec, { ...opts(), appearance: 'text', label: '123/UBND-VP' });
    expect(Buffer.from(twice.pdf.subarray(0, once.pdf.length)).equals(Buffer.from(once.pdf))).toBe(true);
    const file = join(work, 'twice.pdf');
    await writeFile(file, twice.pdf);
    const out = await pdfsig(file);
    expect(out.match(/Signature is Valid/g)?.length).toBe(2);
    const rep = await verifyPdf(twice.pdf, { trustAnchors: [pki.caDer] });
    expect(rep.valid).toBe(true);
    expect(rep.signatures.map((s) => [s.field, s.coversWholeFile])).toEqual([['Signature1', false], ['Signature2', true]]);
  });

  it('RSA-PSS signatures verify in pdfsig and verifyPdf', async () => {
    const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer], 'RSA-PSS-SHA256');
    const res = await signPdf(await plainPdf(), signer, opts());
    const file = join(work, 'pss.pdf');
    await writeFile(file, res.pdf);
    expect(await pdfsig(file)).toContain('Signature is Valid');
    expect((await verifyPdf(res.pdf, { trustAnchors: [pki.caDer] })).valid).toBe(true);
  });
});

describe('inputs from elsewhere', () => {
  it('signs a PDF written with object and xref streams (pdfsig valid, verifyPdf valid)', async () => {
    const doc = await PDFDocument.load(await plainPdf());
    const compact = await doc.save({ useObjectStreams: true });
    expect(Buffer.from(compact).toString('latin1')).toContain('/Type /XRef');
    const res = await signPdf(compact, softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]), opts());
    const file = join(work, 'xrefstream.pdf');
    await writeFile(file, res.pdf);
    expect(await pdfsig(file)).toContain('Signature is Valid');
    expect((await verifyPdf(res.pdf, { trustAnchors: [pki.caDer] })).valid).toBe(true);
    expect((await run('pdfinfo', [file])).stdout).toMatch(/Pages:\s+1/);
  });

  it('refuses a damaged PDF with a clear error', async () => {
    const err = await signPdf(Buffer.from('%PDF-1.7\ngarbage without structure\n'), softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]), opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    expect((err as SohoaError).code).toBe('sign.failed');
    expect((err as SohoaError).vi).toMatch(/bị hỏng/);
  });

  it('verifyPdf reports an unsigned PDF as not valid', async () => {
    const rep = await verifyPdf(await plainPdf(), { trustAnchors: [pki.caDer] });
    expect(rep.valid).toBe(false);
    expect(rep.errors).toContain('the file has no signature');
  });
});

describe('certificate checks before signing', () => {
  const cases: Array<[string, () => { key: string; der: Uint8Array }, RegExp]> = [
    ['expired', () => ({ key: pki.expired.keyPem, der: pki.expired.certDer }), /hết hạn/],
    ['not for signing', () => ({ key: pki.encipherOnly.keyPem, der: pki.encipherOnly.certDer }), /không dùng để ký/],
    ['untrusted issuer', () => ({ key: pki.strangerLeaf.keyPem, der: pki.strangerLeaf.certDer }), /không thuộc tổ chức/],
  ];
  for (const [name, pick, vi] of cases) {
    it(`refuses a certificate that is ${name}, nothing signed`, async () => {
      const { key, der } = pick();
      const err = await signPdf(await plainPdf(), softwareSigner(key, der, []), opts()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SohoaError);
      expect((err as SohoaError).code).toBe('token.certificate');
      expect((err as SohoaError).vi).toMatch(vi);
    });
  }
});

describe('B-T with an RFC 3161 timestamp', () => {
  it('embeds a timestamp from a real local TSA that openssl and verifyPdf accept', async () => {
    const tsa = await startTestTsa(pki);
    try {
      const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
      const res = await signPdf(await plainPdf(), signer, { ...opts(), tsaUrl: tsa.url });
      expect(res.warnings).toEqual([]);
      expect(res.level).toBe('B-T');
      expect(tsa.requests).toBe(1);
      const rep = await verifyPdf(res.pdf, { trustAnchors: [pki.caDer] });
      expect(rep.signatures[0]!.errors).toEqual([]);
      expect(rep.valid).toBe(true);
      expect(rep.signatures[0]!.level).toBe('B-T');
      expect(rep.signatures[0]!.timestampTrusted).toBe(true);
      expect(Math.abs(Date.parse(rep.signatures[0]!.timestampTime!) - Date.now())).toBeLessThan(60_000);
      const file = join(work, 'bt.pdf');
      await writeFile(file, res.pdf);
      expect(await pdfsig(file)).toContain('Signature is Valid');
      const { cms } = extract(res.pdf);
      await writeFile(join(work, 'bt.der'), cms);
      const printed = (await run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(work, 'bt.der')])).stdout;
      expect(printed).toMatch(/id-smime-aa-timeStampToken|1\.2\.840\.113549\.1\.9\.16\.2\.14/);
    } finally {
      await tsa.close();
    }
  });

  it('keeps the signature and drops the stamp when a TSA token is too large for the reserved room', async () => {
    const tsa = await startTestTsa(pki, pki.bigTsa);
    try {
      const res = await signPdf(await plainPdf(), softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]), { ...opts(), tsaUrl: tsa.url });
      expect(tsa.requests).toBe(1);
      expect(res.level).toBe('B-B');
      expect(res.warnings.join()).toMatch(/too large/);
      expect((await verifyPdf(res.pdf, { trustAnchors: [pki.caDer] })).valid).toBe(true);
    } finally {
      await tsa.close();
    }
  });

  it('signs B-B with a warning when the TSA is unreachable', async () => {
    const tsa = await startTestTsa(pki);
    const url = tsa.url;
    await tsa.close(); // nothing listens there any more
    const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
    const res = await signPdf(await plainPdf(), signer, { ...opts(), tsaUrl: url });
    expect(res.level).toBe('B-B');
    expect(res.warnings.join()).toMatch(/timestamp unavailable/);
    expect((await verifyPdf(res.pdf, { trustAnchors: [pki.caDer] })).valid).toBe(true);
  });
});

