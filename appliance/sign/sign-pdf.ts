import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFHexString, PDFInvalidObject, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { SohoaError } from '../errors.js';
import { buildAppearance, pageRotation, topRightRect } from './appearance.js';
import { assertCanSign } from './cert-check.js';
import { buildCms } from './cms.js';
import { appendToArray, openForUpdate, serializeUpdate, type UpdateSession } from './incremental.js';
import type { CmsSigner } from './signer.js';
import { isoVietnam, pdfDateVietnam } from './time.js';
import { requestTimestamp } from './timestamp.js';

// PAdES baseline B-B (B-T with a TSA) as an incremental update with a visible appearance at the
// top right of the first page as displayed (its /Rotate taken into account).

export interface SignOptions {
  agencyName: string;
  /** Seal image (PNG, transparent) for the 'seal' appearance. */
  sealPng?: Uint8Array;
  time: Date;
  reason?: string;
  location?: string;
  tsaUrl?: string;
  appearance: 'seal' | 'text';
  /** Số/ký hiệu shown by the text appearance. */
  label?: string;
  /** DER trust anchors the signer's certificate must chain to. */
  trustAnchors: Uint8Array[];
}

export interface SignResult {
  pdf: Uint8Array;
  level: 'B-B' | 'B-T';
  warnings: string[];
}

const MM = 72 / 25.4;
const BYTE_RANGE_MARK = '/ByteRange [0 9999999999 9999999999 9999999999]';
/** Room for a TSA's token including its own certificate chain. */
const TIMESTAMP_RESERVE = 16 * 1024;

function placeholderSize(signer: CmsSigner, tsa: boolean): number {
  const certs = [signer.certificate, ...signer.chain].reduce((n, c) => n + c.length, 0);
  // certificates (twice: once embedded, issuer name again in sid/ESS) + signature (≤ 8192-bit
  // key) + attributes and structure + the timestamp + margin.
  return certs + 2 * signer.certificate.length + 1024 + 1024 + (tsa ? TIMESTAMP_RESERVE : 0) + 2048;
}

function uniqueFieldName(s: UpdateSession, acro: PDFDict | undefined): string {
  const names = new Set<string>();
  const fields = acro?.lookup(PDFName.of('Fields'));
  if (fields instanceof PDFArray) {
    for (const f of fields.asArray()) {
      const t = (s.doc.context.lookup(f) as PDFDict | undefined)?.lookup(PDFName.of('T'));
      if (t instanceof PDFString || t instanceof PDFHexString) names.add(t.decodeText());
    }
  }
  let i = 1;
  while (names.has(`Signature${i}`)) i++;
  return `Signature${i}`;
}

export async function signPdf(pdf: Uint8Array, signer: CmsSigner, opts: SignOptions): Promise<SignResult> {
  await assertCanSign(signer.certificate, signer.chain, opts.trustAnchors, opts.time);

  let s: UpdateSession;
  try {
    s = await openForUpdate(pdf);
  } catch (err) {
    throw new SohoaError('sign.failed', 'Tệp PDF bị hỏng, bị mã hoá hoặc không đọc được nên không ký được.', `cannot open the PDF for an incremental update: ${(err as Error).message}`, { cause: err });
  }
  const { doc } = s;
  const ctx = doc.context;
  const page = doc.getPage(0);

  const reserve = placeholderSize(signer, Boolean(opts.tsaUrl));
  const sig = ctx.obj({ Type: 'Sig', Filter: 'Adobe.PPKLite', SubFilter: 'ETSI.CAdES.detached', M: PDFString.of(pdfDateVietnam(opts.time)) });
  if (opts.reason) sig.set(PDFName.of('Reason'), PDFHexString.fromText(opts.reason));
  if (opts.location) sig.set(PDFName.of('Location'), PDFHexString.fromText(opts.location));
  sig.set(PDFName.of('ByteRange'), PDFInvalidObject.of(Buffer.from(BYTE_RANGE_MARK.slice('/ByteRange '.length), 'latin1')));
  sig.set(PDFName.of('Contents'), PDFInvalidObject.of(Buffer.from(`<${'0'.repeat(reserve * 2)}>`, 'latin1')));
  const sigRef = ctx.register(sig);

  const rotation = pageRotation(page.getRotation().angle);
  const ap = await buildAppearance(doc, {
    rotation,
    kind: opts.appearance,
    agencyName: opts.agencyName,
    timeText: isoVietnam(opts.time),
    sealPng: opts.sealPng,
    label: opts.label,
  });
  // Top right of the visible area (CropBox, which defaults to the MediaBox) as the viewer shows it.
  const rect = topRightRect(page.getCropBox(), rotation, ap.width, ap.height, 10 * MM, 8 * MM);

  const catalogRef = ctx.trailerInfo.Root as PDFRef;
  const catalog = ctx.lookup(catalogRef, PDFDict);
  const acroRaw = catalog.get(PDFName.of('AcroForm'));
  let acro: PDFDict;
  let acroRef: PDFRef;
  if (acroRaw instanceof PDFRef) {
    acro = ctx.lookup(acroRaw, PDFDict);
    acroRef = acroRaw;
  } else if (acroRaw instanceof PDFDict) {
    acro = acroRaw;
    acroRef = catalogRef;
  } else {
    acro = ctx.obj({ Fields: [] });
    acroRef = ctx.register(acro);
    catalog.set(PDFName.of('AcroForm'), acroRef);
    s.changed.add(catalogRef);
  }

  const widget = ctx.obj({
    Type: 'Annot', Subtype: 'Widget', FT: 'Sig', F: 132,
    T: PDFString.of(uniqueFieldName(s, acro)),
    V: sigRef, P: page.ref,
    Rect: rect,
    AP: { N: ap.ref },
  });
  const widgetRef = ctx.register(widget);
  appendToArray(s, page.node, page.ref, 'Annots', widgetRef);
  appendToArray(s, acro, acroRef, 'Fields', widgetRef);
  acro.set(PDFName.of('SigFlags'), ctx.obj(3));
  s.changed.add(acroRef);

  await doc.flush();
  const sep = pdf[pdf.length - 1] === 0x0a ? 0 : 1;
  const update = serializeUpdate(s, pdf.length + sep);

  // One output buffer: the original, then the revision; patched in place from here on.
  const out = Buffer.allocUnsafe(pdf.length + sep + update.bytes.length);
  out.set(pdf, 0);
  if (sep) out[pdf.length] = 0x0a;
  out.set(update.bytes, pdf.length + sep);

  const sigStart = pdf.length + sep + update.offsets.get(sigRef.objectNumber)!;
  const brAt = out.indexOf(BYTE_RANGE_MARK, sigStart, 'latin1');
  const holeStart = out.indexOf('<', out.indexOf('/Contents', sigStart, 'latin1'), 'latin1');
  const holeEnd = holeStart + reserve * 2 + 2;
  const byteRange = [0, holeStart, holeEnd, out.length - holeEnd];
  const brText = `/ByteRange [${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_MARK.length, ' ');
  out.write(brText, brAt, 'latin1');

  const digest = createHash('sha256').update(out.subarray(0, holeStart)).update(out.subarray(holeEnd)).digest();
  const warnings: string[] = [];
  const cms = await buildCms(signer, digest, opts.tsaUrl ? async (value) => {
    const r = await requestTimestamp(opts.tsaUrl!, value);
    if ('error' in r) {
      warnings.push(`timestamp unavailable, signed at level B-B: ${r.error}`);
      return undefined;
    }
    return r.token;
  } : undefined);
  let der = cms.der;
  let timestamped = cms.timestamped;
  if (der.length > reserve && timestamped) {
    // An unusually large TSA token: keep the signature (the token was not asked twice), drop the stamp.
    warnings.push(`timestamp token too large for the reserved space (${der.length} > ${reserve} bytes), signed at level B-B`);
    der = cms.withoutTimestamp();
    timestamped = false;
  }
  if (der.length > reserve) {
    throw new SohoaError('sign.failed', 'Không ký được văn bản do lỗi nội bộ. Hãy báo kỹ thuật viên.', `CMS of ${der.length} bytes exceeds the reserved ${reserve}`);
  }
  out.write(Buffer.from(der).toString('hex'), holeStart + 1, 'latin1');
  return { pdf: out, level: timestamped ? 'B-T' : 'B-B', warnings };
}
