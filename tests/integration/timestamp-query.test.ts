import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampNonce, timestampQuery } from '../../appliance/sign/timestamp.js';

// The RFC 3161 request must be DER a real TSA reads whatever the random bytes. Random bytes starting
// 0x00 then a byte below 0x80 once made a padded INTEGER that openssl's TSA refused (PKIStatus 2):
// the CI failure of stop 18, 1 signature in 256 stamped B-B instead of B-T.

const run = promisify(execFile);
let work = '';
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'sohoa-tsq-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

const edgeCases: Array<[string, number[]]> = [
  ['all zero', [0, 0, 0, 0, 0, 0, 0, 0]],
  ['zero then a small byte', [0x00, 0x12, 3, 4, 5, 6, 7, 8]],
  ['top bit set', [0x80, 0, 0, 0, 0, 0, 0, 1]],
  ['all ones', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
];

describe('timestamp request', () => {
  for (const [name, bytes] of edgeCases) {
    it(`openssl reads the request when the random bytes are ${name}`, async () => {
      const nonce = timestampNonce(Uint8Array.from(bytes));
      const file = join(work, `${name.replace(/\W/g, '-')}.tsq`);
      await writeFile(file, timestampQuery(new TextEncoder().encode('chữ ký'), nonce));
      const { stdout } = await run('openssl', ['ts', '-query', '-in', file, '-text']);
      const printed = /Nonce: 0x([0-9A-F]+)/.exec(stdout)?.[1];
      expect(printed).toBe(Buffer.from(nonce).toString('hex').toUpperCase());
      expect(printed).toHaveLength(16); // 8 bytes, none lost to the encoding
    });
  }

  it('keeps 62 random bits: the nonce follows the random bytes', () => {
    const a = timestampNonce(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const b = timestampNonce(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 9]));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).not.toBe(0);
    expect(a[0]! & 0xc0).toBe(0x40);
  });
});
