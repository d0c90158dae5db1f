import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { buildSearchablePdf } from '../../appliance/pdf/searchable-pdf.js';
import { signPdf } from '../../appliance/sign/sign-pdf.js';
import { tokenSigner } from '../../appliance/sign/signer.js';
import { pemToDerList } from '../../appliance/sign/pem.js';
import { verifyPdf } from '../../appliance/sign/verify.js';
import { AgencySigner } from '../../appliance/sign/agency-signer.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { ocrLines } from '../fixtures/sign/ocr-lines.js';

// The whole signing path on the real SoftHSM development token: searchable PDF → PAdES with the
// visible seal → pdfsig (NSS db trusting the dev CA) and verifyPdf.

const run = promisify(execFile);
const PAGE = fileURLToPath(new URL('../fixtures/sign/page-color-200dpi.jpg', import.meta.url));

let dev: DevToken;
let token: Pkcs11Token;
let work: string;

beforeAll(async () => {
  dev = await provisionDevToken();
  token = new Pkcs11Token({ module: dev.module, label: dev.label, env: dev.env, pollMs: 200 });
  await token.start();
  work = await mkdtemp(join(tmpdir(), 'sohoa-sign-token-'));
});
afterAll(async () => {
  await token?.close();
  await rm(work, { recursive: true, force: true });
});

describe('signing with the SoftHSM development token', () => {
  it('refuses while the token is not logged in, and writes nothing', async () => {
    const pdf = await buildSearchablePdf([{ imagePath: PAGE, width: 1653, height: 2339, dpi: 200, lines: [] }], { title: 't' });
    const signer = await tokenSigner(token, pemToDerList(dev.chainPem));
    const err = await signPdf(pdf, signer, { agencyName: 'X', time: new Date(), appearance: 'text', trustAnchors: pemToDerList(dev.caPem) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'token.not-logged-in' });
  });

  it('signs the searchable PDF with the seal: pdfsig trusts it, the text is still searchable', async () => {
    await token.login(dev.pin);
    const pdf = await buildSearchablePdf([{ imagePath: PAGE, width: 1653, height: 2339, dpi: 200, lines: await ocrLines(PAGE, 200) }], { title: 'Giấy mời 208/GM-STP' });
    const signer = await tokenSigner(token, pemToDerList(dev.chainPem));
    const res = await signPdf(pdf, signer, {
      agencyName: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)', sealPng: await readFile(dev.sealPath), time: new Date(),
      appearance: 'seal', reason: 'Văn bản đến', trustAnchors: pemToDerList(dev.caPem),
    });
    const file = join(work, 'signed.pdf');
    await writeFile(file, res.pdf);
    const sig = (await run('pdfsig', ['-nssdir', `sql:${dev.nssDir}`, file])).stdout;
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Certificate is Trusted');
    expect(sig).toContain('Signature Type: ETSI.CAdES.detached');
    expect(sig).toContain('Total document signed');
    const rep = await verifyPdf(res.pdf, { trustAnchors: pemToDerList(dev.caPem) });
    expect(rep.valid).toBe(true);
    expect(rep.signatures[0]!.signer).toContain('Văn phòng UBND tỉnh (thử nghiệm)');
    expect(rep.signatures[0]!.appearance).toBe(true);
    const text = (await run('pdftotext', [file, '-'])).stdout.normalize('NFC');
    expect(text).toContain('GIẤY MỜI');
    // The seal is painted in the top-right corner: sample the rendered page there.
    await run('pdftoppm', ['-r', '50', '-png', '-singlefile', file, join(work, 'p')]);
    const sharp = (await import('sharp')).default;
    const { data, info } = await sharp(join(work, 'p.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let redTopRight = 0;
    let redElsewhere = 0;
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const i = (y * info.width + x) * 3;
        const red = data[i]! > 150 && data[i + 1]! < 90 && data[i + 2]! < 90;
        if (!red) continue;
        if (x > info.width * 0.6 && y < info.height * 0.2) redTopRight++;
        else redElsewhere++;
      }
    }
    expect(redTopRight).toBeGreaterThan(50);
    // Actual size: the dev seal is 472 px at 300 dpi (≈ 40 mm) = 113.28 pt wide in the appearance.
    const signedDoc = await PDFDocument.load(res.pdf);
    const widget = signedDoc.getPage(0).node.Annots()!.asArray().map((r) => signedDoc.context.lookup(r, PDFDict)).at(-1)!;
    const ap = (widget.lookup(PDFName.of('AP'), PDFDict).lookup(PDFName.of('N')) as PDFRawStream);
    const ops = inflateSync(ap.contents).toString('latin1');
    const m = /([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm \/Seal Do/.exec(ops);
    expect(Number(m?.[1])).toBeCloseTo((472 / 300) * 72, 1);
    expect(redElsewhere).toBeLessThan(redTopRight / 10);
  });

  it('AgencySigner signs an attachment with the text appearance and hands back the verification', async () => {
    const agency = new AgencySigner({ token, agencyName: 'VĂN PHÒNG UBND TỈNH (THỬ NGHIỆM)', chainPath: join(dev.dir, 'chain.pem'), trustPath: join(dev.dir, 'ca.pem'), sealPath: dev.sealPath });
    await agency.start();
    const pdf = await buildSearchablePdf([{ imagePath: PAGE, width: 1653, height: 2339, dpi: 200, lines: [] }], { title: 'att' });
    const res = await agency.sign(pdf, { appearance: 'text', label: '208/GM-STP' });
    expect(res.report.valid).toBe(true);
    expect(res.level).toBe('B-B');
    const file = join(work, 'att.pdf');
    await writeFile(file, res.pdf);
    const text = (await run('pdftotext', [file, '-'])).stdout;
    expect(text).toContain('208/GM-STP');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00/);
  });

  it('AgencySigner.start reports a missing trust file', async () => {
    const agency = new AgencySigner({ token, agencyName: 'X', chainPath: '', trustPath: join(work, 'missing-ca.pem'), sealPath: dev.sealPath });
    await expect(agency.start()).rejects.toMatchObject({ code: 'token.certificate' });
  });
});
