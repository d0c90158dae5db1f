import { createHash, generateKeyPairSync, privateEncrypt, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecdsaRawToDer, sha256DigestInfo } from '../../drivers/token/signature-der.js';

describe('signature byte formats', () => {
  it('raw r||s from a P-256 key converts to DER that node:crypto verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('văn bản');
    for (let i = 0; i < 20; i++) {
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      expect(der[0]).toBe(0x30);
      expect(verify('sha256', data, publicKey, der)).toBe(true);
    }
  });

  it('drops leading zero bytes and adds 0x00 before a high bit', () => {
    const r = Buffer.alloc(32); r[2] = 0x80; // leading zeros, then a high bit
    const s = Buffer.alloc(32); s[31] = 0x01;
    const der = ecdsaRawToDer(Buffer.concat([r, s]));
    expect(der.subarray(0, 6).toString('hex')).toBe('3024021f0080'); // INTEGER of 31 bytes: 0x00, then 0x80…
    expect(der.subarray(-3).toString('hex')).toBe('020101');
  });

  it('rejects an odd-length raw signature', () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(63))).toThrow();
  });

  it('builds the SHA-256 DigestInfo that raw RSA PKCS#1 v1.5 signs', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const data = Buffer.from('số đến 12');
    const di = sha256DigestInfo(data);
    expect(di.length).toBe(51);
    expect(di.subarray(19).equals(createHash('sha256').update(data).digest())).toBe(true);
    // privateEncrypt with PKCS#1 v1.5 padding over the DigestInfo = what CKM_RSA_PKCS on a token returns
    const sig = privateEncrypt(privateKey, di);
    expect(verify('sha256', data, publicKey, sig)).toBe(true);
  });
});
