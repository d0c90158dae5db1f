import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha256, type CmsMechanism, type CmsSigner } from './signer.js';

// The CMS SignedData of a PAdES baseline signature (ETSI EN 319 142-1): detached, SHA-256, signed
// attributes content-type + message-digest + ESS signing-certificate-v2 and nothing else (the
// signing time lives in the PDF's /M), the chain embedded, optionally an RFC 3161 timestamp over
// the signature value as an unsigned attribute (B-T).

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  rsaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecdsaSha256: '1.2.840.10045.4.3.2',
} as const;

const sha256Alg = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });

function signatureAlgorithm(mech: CmsMechanism): pkijs.AlgorithmIdentifier {
  switch (mech) {
    case 'RSA-PKCS1-SHA256':
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() });
    case 'ECDSA-SHA256':
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaSha256 });
    case 'RSA-PSS-SHA256': {
      const params = new pkijs.RSASSAPSSParams({
        hashAlgorithm: sha256Alg(),
        maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.mgf1, algorithmParams: sha256Alg().toSchema() }),
        saltLength: 32,
      });
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaPss, algorithmParams: params.toSchema() });
    }
  }
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(der);
}

/** ESS signing-certificate-v2 (RFC 5035): binds the signer's certificate into the signed attributes. */
function signingCertificateV2(certDer: Uint8Array, cert: pkijs.Certificate): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView }),
    ],
  });
  // hashAlgorithm is omitted: SHA-256 is its DEFAULT and DER leaves defaults out.
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: sha256(certDer) }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The signed attributes, DER-ordered (SET OF sorts by encoding: verifiers re-encode them). */
function signedAttributes(contentDigest: Uint8Array, certDer: Uint8Array, cert: pkijs.Certificate): pkijs.Attribute[] {
  const attrs = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: contentDigest })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(certDer, cert)] }),
  ];
  const enc = attrs.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }));
  return enc.sort((x, y) => compareBytes(x.der, y.der)).map((x) => x.a);
}

export interface CmsResult {
  der: Uint8Array;
  /** The raw signature value (what a timestamp is taken over). */
  signature: Uint8Array;
}

/**
 * Builds and signs the detached CMS over `contentDigest` (SHA-256 of the PDF's byte ranges).
 * `timestamp`, when given, returns an RFC 3161 TimeStampToken (DER ContentInfo) over the signature
 * value, or undefined when the TSA could not be reached (the signature stays B-B).
 */
export async function buildCms(
  signer: CmsSigner,
  contentDigest: Uint8Array,
  timestamp?: (signatureValue: Uint8Array) => Promise<Uint8Array | undefined>,
): Promise<CmsResult & { timestamped: boolean; withoutTimestamp: () => Uint8Array }> {
  const cert = parseCertificate(signer.certificate);
  const attributes = signedAttributes(contentDigest, signer.certificate, cert);
  // What is signed is the attributes as a universal SET (tag 0x31), not as the [0] field.
  const toSign = new Uint8Array(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER());
  const signature = await signer.sign(toSign);

  const token = timestamp ? await timestamp(signature) : undefined;
  const assemble = (withToken: Uint8Array | undefined): Uint8Array => {
    const signerInfo = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      digestAlgorithm: sha256Alg(),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      signatureAlgorithm: signatureAlgorithm(signer.mechanism),
      signature: new asn1js.OctetString({ valueHex: signature }),
    });
    if (withToken) {
      signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
        type: 1,
        attributes: [new pkijs.Attribute({ type: OID.timeStampToken, values: [asn1js.fromBER(withToken).result] })],
      });
    }
    const signedData = new pkijs.SignedData({
      version: 1,
      digestAlgorithms: [sha256Alg()],
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
      certificates: [cert, ...signer.chain.map(parseCertificate)],
      signerInfos: [signerInfo],
    });
    const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
    return new Uint8Array(info.toSchema().toBER());
  };
  return { der: assemble(token), signature, timestamped: token !== undefined, withoutTimestamp: () => assemble(undefined) };
}
