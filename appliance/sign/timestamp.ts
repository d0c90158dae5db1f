import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './cms.js';
import { sha256 } from './signer.js';

// RFC 3161 client: asks the configured time-stamping authority for a token over a signature value.
// A TSA that is down or answers nonsense must never block signing, so failures come back as a
// reason string and the caller signs B-B.

export type TimestampOutcome = { token: Uint8Array } | { error: string };

export async function requestTimestamp(url: string, data: Uint8Array, timeoutMs = 10_000): Promise<TimestampOutcome> {
  const nonce = randomBytes(8);
  nonce[0] = nonce[0]! & 0x7f; // a positive INTEGER
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: sha256(data) }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  let body: Uint8Array;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: new Uint8Array(req.toSchema().toBER()),
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
    if (!tst.nonce || Buffer.compare(Buffer.from(tst.nonce.valueBlock.valueHexView), stripZero(nonce)) !== 0) {
      return { error: `TSA ${url} answered with a wrong nonce` };
    }
    return { token: new Uint8Array(resp.timeStampToken.toSchema().toBER()) };
  } catch (err) {
    return { error: `TSA ${url} answered with an unreadable reply: ${(err as Error).message}` };
  }
}

function stripZero(b: Uint8Array): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1]! & 0x80) === 0) i++;
  return Buffer.from(b.subarray(i));
}

/** The TSTInfo inside a TimeStampToken (a CMS SignedData whose content is the TSTInfo). */
export function tstInfoOf(token: pkijs.ContentInfo): pkijs.TSTInfo {
  const sd = new pkijs.SignedData({ schema: token.content });
  const content = sd.encapContentInfo.eContent;
  if (!content) throw new Error('timestamp token without TSTInfo');
  return pkijs.TSTInfo.fromBER(content.getValue());
}
