import { createHash, createPublicKey, verify as cryptoVerify, constants } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import { loadPdfSharingBytes } from './incremental.js';
import { validateChain, type ChainResult } from './cert-check.js';
import { OID } from './cms.js';
import { parsePdfDate } from './time.js';
import { tstInfoOf } from './timestamp.js';

// Verifies every signature of a PDF on its own terms (no trust in what wrote it): the byte range
// covers the file except the /Contents hole, the digest matches, the signature over the signed
// attributes verifies with the certificate's key, the certificate was valid at signing time and
// chains to the trust anchors, and the widget has a visible appearance.

export interface SignatureReport {
  field: string | null;
  signer: string | null;
  subFilter: string | null;
  /** /M of the signature dictionary, ISO 8601 UTC. */
  signingTime: string | null;
  /** genTime of the RFC 3161 timestamp (B-T), ISO 8601 UTC. */
  timestampTime: string | null;
  /** The TSA's certificate chains to the trust anchors (informational: a TSA often has its own CA). */
  timestampTrusted: boolean | null;
  level: 'B-B' | 'B-T' | null;
  byteRange: number[];
  /** This signature covers the whole file (it is the last revision). */
  coversWholeFile: boolean;
  integrity: { byteRange: boolean; digest: boolean; signature: boolean; timestamp: boolean | null };
  certificateValidAtSigningTime: boolean;
  chain: ChainResult;
  appearance: boolean;
  page: number | null;
  valid: boolean;
  errors: string[];
}

export interface VerifyReport {
  /** Every signature valid and nothing appended after the last one. */
  valid: boolean;
  /** Bytes were added after the last signed revision. */
  modifiedAfterSigning: boolean;
  signatures: SignatureReport[];
  errors: string[];
}

interface Found {
  byteRange: [number, number, number, number];
  dict?: PDFDict;
  widget?: { field: string | null; appearance: boolean; page: number | null };
}

const RDN: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.5': 'serialNumber', '0.9.2342.19200300.100.1.1': 'UID' };

export function subjectString(cert: pkijs.Certificate): string {
  return cert.subject.typesAndValues
    .map((tv) => `${RDN[tv.type] ?? tv.type}=${(tv.value.valueBlock as unknown as { value: string }).value}`)
    .reverse()
    .join(', ');
}

/** Every `/ByteRange [a b c d]` in the raw bytes: the fallback when the PDF cannot be parsed. */
function scanByteRanges(pdf: Uint8Array): Array<[number, number, number, number]> {
  const buf = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const out: Array<[number, number, number, number]> = [];
  for (let at = buf.indexOf('/ByteRange'); at >= 0; at = buf.indexOf('/ByteRange', at + 10)) {
    const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(buf.toString('latin1', at, at + 80));
    if (m) out.push([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]);
  }
  return out;
}

const text = (o: PDFObject | undefined): string | null =>
  o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : o instanceof PDFName ? o.decodeText() : null;

/**
 * Signature dictionaries and their widgets, as the document declares them (its objects, including
 * those in object streams, where a text scan would not see them), in revision order.
 */
async function findDeclared(pdf: Uint8Array): Promise<Found[]> {
  const doc = await loadPdfSharingBytes(pdf);
  const ctx = doc.context;
  const pages = doc.getPages().map((p) => p.ref);
  const found: Found[] = [];
  for (const [, obj] of ctx.enumerateIndirectObjects()) {
    const range = obj instanceof PDFDict ? obj.lookup(PDFName.of('ByteRange')) : undefined;
    if (!(obj instanceof PDFDict) || !(range instanceof PDFArray) || range.size() !== 4) continue;
    found.push({ byteRange: range.asArray().map((n) => Number(n.toString())) as Found['byteRange'], dict: obj });
  }
  found.sort((x, y) => x.byteRange[1] - y.byteRange[1]);
  const acro = doc.catalog.lookup(PDFName.of('AcroForm'));
  const walk = (fields: PDFObject | undefined, prefix: string) => {
    if (!(fields instanceof PDFArray)) return;
    for (const ref of fields.asArray()) {
      const field = ctx.lookup(ref);
      if (!(field instanceof PDFDict)) continue;
      const name = [prefix, text(field.get(PDFName.of('T')))].filter(Boolean).join('.');
      walk(field.lookup(PDFName.of('Kids')), name);
      const v = field.lookup(PDFName.of('V'));
      if (!(v instanceof PDFDict)) continue;
      const f = found.find((x) => x.dict === v);
      if (!f) continue;
      const ap = field.lookup(PDFName.of('AP'));
      const rect = (field.lookup(PDFName.of('Rect')) as PDFArray | undefined)?.asArray().map((n) => Number(n.toString())) ?? [0, 0, 0, 0];
      const visible = ap instanceof PDFDict && ap.has(PDFName.of('N')) && Math.abs((rect[2]! - rect[0]!) * (rect[3]! - rect[1]!)) > 0;
      const p = field.get(PDFName.of('P'));
      const page = p instanceof PDFRef ? pages.findIndex((r) => r.objectNumber === p.objectNumber) : -1;
      f.widget = { field: name || null, appearance: visible, page: page >= 0 ? page + 1 : null };
    }
  };
  if (acro instanceof PDFDict) walk(acro.lookup(PDFName.of('Fields')), '');
  return found;
}

const HASHES: Record<string, string> = { [OID.sha256]: 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };

/** Checks the first SignerInfo of `sd`: its message-digest against `digestOf`, its signature with the embedded signer certificate. */
function checkSignerInfo(sd: pkijs.SignedData, digestOf: (hash: string) => Buffer): { cert: pkijs.Certificate; certs: pkijs.Certificate[]; digest: boolean; signature: boolean } {
  const si = sd.signerInfos[0];
  if (!si) throw new Error('no SignerInfo');
  const certs = (sd.certificates ?? []).filter((x): x is pkijs.Certificate => x instanceof pkijs.Certificate);
  const sid = si.sid as pkijs.IssuerAndSerialNumber;
  const cert = certs.find((x) => x.serialNumber.isEqual(sid.serialNumber) && x.issuer.isEqual(sid.issuer));
  if (!cert) throw new Error('the signer certificate is not embedded');
  const hash = HASHES[si.digestAlgorithm.algorithmId];
  if (!hash) throw new Error(`unsupported digest algorithm ${si.digestAlgorithm.algorithmId}`);
  const attrs = si.signedAttrs;
  if (!attrs) throw new Error('no signed attributes');
  const md = attrs.attributes.find((x) => x.type === OID.messageDigest)?.values[0] as asn1js.OctetString | undefined;
  const digest = !!md && digestOf(hash).equals(Buffer.from(md.valueBlock.valueHexView));
  const signed = new Uint8Array(attrs.encodedValue.slice(0));
  signed[0] = 0x31; // verified as the universal SET OF, as it was signed
  const signature = verifyWithKey(si.signatureAlgorithm, hash, signed, new Uint8Array(si.signature.valueBlock.valueHexView), cert);
  return { cert, certs, digest, signature };
}

function publicKeyOf(cert: pkijs.Certificate) {
  return createPublicKey({ key: Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER()), format: 'der', type: 'spki' });
}

async function checkOne(pdf: Uint8Array, f: Found, anchors: Uint8Array[]): Promise<SignatureReport> {
  const errors: string[] = [];
  const [a, b, c, d] = f.byteRange;
  const buf = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const rangeOk = a === 0 && b > 0 && c > b && c + d <= pdf.length && buf[b] === 0x3c && buf[c - 1] === 0x3e
    && /^[0-9a-fA-F]*$/.test(buf.toString('latin1', b + 1, c - 1));
  if (!rangeOk) errors.push('the byte range does not cover the file except the signature contents');
  const report: SignatureReport = {
    field: f.widget?.field ?? null, signer: null,
    subFilter: text(f.dict?.get(PDFName.of('SubFilter'))),
    signingTime: null, timestampTime: null, timestampTrusted: null, level: null, byteRange: [a, b, c, d],
    coversWholeFile: rangeOk && c + d === pdf.length,
    integrity: { byteRange: rangeOk, digest: false, signature: false, timestamp: null },
    certificateValidAtSigningTime: false, chain: { ok: false, detail: 'not checked' },
    appearance: f.widget?.appearance ?? false, page: f.widget?.page ?? null, valid: false, errors,
  };
  const m = text(f.dict?.get(PDFName.of('M')));
  const mDate = m ? parsePdfDate(m) : undefined;
  report.signingTime = mDate?.toISOString() ?? null;
  if (!rangeOk) return report;

  try {
    const der = Buffer.from(buf.toString('latin1', b + 1, c - 1), 'hex');
    const asn = asn1js.fromBER(der);
    if (asn.offset === -1) throw new Error('the signature contents are not DER');
    const sd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn.result }).content });
    const si = sd.signerInfos[0];
    if (!si) throw new Error('no SignerInfo');
    const found = checkSignerInfo(sd, (hash) => createHash(hash).update(buf.subarray(a, a + b)).update(buf.subarray(c, c + d)).digest());
    const cert = found.cert;
    const certs = found.certs;
    report.signer = subjectString(cert);
    report.integrity.digest = found.digest;
    if (!report.integrity.digest) errors.push('the document digest does not match: the signed bytes were changed');
    report.integrity.signature = found.signature;
    if (!report.integrity.signature) errors.push('the signature over the signed attributes does not verify');
    const sigValue = new Uint8Array(si.signature.valueBlock.valueHexView);

    const tsAttr = si.unsignedAttrs?.attributes.find((x) => x.type === OID.timeStampToken);
    let when = mDate;
    if (tsAttr) {
      const token = new pkijs.ContentInfo({ schema: tsAttr.values[0] });
      const tst = tstInfoOf(token);
      report.timestampTime = tst.genTime.toISOString();
      const imprintOk = Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(createHash('sha256').update(sigValue).digest());
      const tsd = new pkijs.SignedData({ schema: token.content });
      const content = tsd.encapContentInfo.eContent?.getValue() ?? new ArrayBuffer(0);
      const tokenSig = checkSignerInfo(tsd, (hash) => createHash(hash).update(new Uint8Array(content)).digest());
      report.integrity.timestamp = imprintOk && tokenSig.digest && tokenSig.signature;
      if (!imprintOk) errors.push('the timestamp is over another signature value');
      if (!tokenSig.digest || !tokenSig.signature) errors.push('the timestamp token does not verify');
      const tsaOthers = tokenSig.certs.filter((x) => x !== tokenSig.cert).map((x) => new Uint8Array(x.toSchema().toBER()));
      report.timestampTrusted = (await validateChain(new Uint8Array(tokenSig.cert.toSchema().toBER()), tsaOthers, anchors, tst.genTime)).ok;
      when = tst.genTime;
      report.level = 'B-T';
    } else report.level = 'B-B';

    if (!when) errors.push('no signing time');
    const at = when ?? new Date();
    report.certificateValidAtSigningTime = at >= cert.notBefore.value && at <= cert.notAfter.value;
    if (!report.certificateValidAtSigningTime) errors.push('the certificate was not valid at the signing time');
    const leafDer = new Uint8Array(cert.toSchema().toBER());
    const others = certs.filter((x) => x !== cert).map((x) => new Uint8Array(x.toSchema().toBER()));
    report.chain = await validateChain(leafDer, others, anchors, at);
    if (!report.chain.ok) errors.push(report.chain.detail);
  } catch (err) {
    errors.push(`unreadable signature: ${(err as Error).message}`);
  }
  report.valid = errors.length === 0 && report.integrity.digest && report.integrity.signature && report.integrity.timestamp !== false;
  return report;
}

const SIG_ALGS = new Set<string>([OID.rsaEncryption, OID.sha256WithRsa, OID.ecdsaSha256, '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4']);

function verifyWithKey(alg: pkijs.AlgorithmIdentifier, hash: string, data: Uint8Array, sig: Uint8Array, cert: pkijs.Certificate): boolean {
  const key = publicKeyOf(cert);
  try {
    if (alg.algorithmId === OID.rsaPss) {
      return cryptoVerify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig);
    }
    return SIG_ALGS.has(alg.algorithmId) && cryptoVerify(hash, data, key, sig);
  } catch {
    return false;
  }
}

export async function verifyPdf(pdf: Uint8Array, opts: { trustAnchors: Uint8Array[] }): Promise<VerifyReport> {
  const errors: string[] = [];
  let found: Found[];
  try {
    found = await findDeclared(pdf);
  } catch (err) {
    // Unparseable: still check what the raw bytes claim, so the report says which range broke.
    errors.push(`the PDF structure is damaged: ${(err as Error).message}`);
    found = scanByteRanges(pdf).map((byteRange) => ({ byteRange }));
  }
  if (found.length === 0) errors.push('the file has no signature');
  const signatures: SignatureReport[] = [];
  for (const f of found) signatures.push(await checkOne(pdf, f, opts.trustAnchors));
  const modifiedAfterSigning = signatures.length > 0 && !signatures.some((s) => s.coversWholeFile);
  if (modifiedAfterSigning) errors.push('content was added after the last signature');
  return { valid: errors.length === 0 && signatures.every((s) => s.valid), modifiedAfterSigning, signatures, errors };
}
