import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './cms.js';
import { sha256 } from './signer.js';

// RFC 3161 client: asks the configured time-stamping authority for a token over a signature value.
// A TSA that is down or answers nonsense must never block signing, so failures come back as a
// reason string and the caller signs B-B.

export type TimestampOutcome = { token: Uint8Array } | { error: string };

/**
 * The request's nonce: 8 random bytes made a positive INTEGER in its shortest DER form. The first byte
 * is kept in 0x40–0x7f: a clear top bit keeps it positive, and a set 0x40 bit means it is never 0x00,
 * which a DER reader (openssl's TSA among them) refuses as illegal padding when the next byte is
 * below 0x80 — 1 request in 256 was refused that way.
 */
export function timestampNonce(random: Uint8Array = randomBytes(8)): Uint8Array {
  const nonce = Uint8Array.from(random);
  nonce[0] = 0x40 | (nonce[0]! & 0x3f);
  return nonce;
}

/** The DER of an RFC 3161 TimeStampReq over `data`'s SHA-256, asking for the TSA's certificate. */
export function timestampQuery(data: Uint8Array, nonce: Uint8Array): Uint8Array {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: sha256(data) }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  return new Uint8Array(req.toSchema().toBER());
}

export async function requestTimestamp(url: string, data: Uint8Array, timeoutMs = 10_000): Promise<TimestampOutcome> {
  const nonce = timestampNonce();
  let body: Uint8Array;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: timestampQuery(data, nonce),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { error: `TSA ${url} answered HTTP ${res.status}` };
    body = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    return { error: `TSA ${url} unreachable: ${(err as Error).cause ? String((err as Error).cause) : (err as Error).message}` };
  }
  try {
    const resp = pkijs.TimeStampResp.fromBER(body);
    if (resp.status.status !== 0 && resp.status.status !== 1) return { error: `TSA ${url} refused the request (PKIStatus ${resp.status.status})` };
    if (!resp.timeStampToken) return { error: `TSA ${url} sent no token` };
    const tst = tstInfoOf(resp.timeStampToken);
    if (Buffer.compare(Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView), sha256(data)) !== 0) {
      return { error: `TSA ${url} stamped a different message imprint` };
    }
    if (!tst.nonce || Buffer.compare(Buffer.from(tst.nonce.valueBlock.valueHexView), nonce) !== 0) {
      return { error: `TSA ${url} answered with a wrong nonce` };
    }
    return { token: new Uint8Array(resp.timeStampToken.toSchema().toBER()) };
  } catch (err) {
    return { error: `TSA ${url} answered with an unreadable reply: ${(err as Error).message}` };
  }
}

/** The TSTInfo inside a TimeStampToken (a CMS SignedData whose content is the TSTInfo). */
export function tstInfoOf(token: pkijs.ContentInfo): pkijs.TSTInfo {
  const sd = new pkijs.SignedData({ schema: token.content });
  const content = sd.encapContentInfo.eContent;
  if (!content) throw new Error('timestamp token without TSTInfo');
  return pkijs.TSTInfo.fromBER(content.getValue());
}
