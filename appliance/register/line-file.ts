import { open } from 'node:fs/promises';

// Reading an append-only file of lines (register-index.ts) in byte ranges, without holding it whole.

const CHUNK = 1 << 20;

/**
 * Calls `visit(line, start, end)` for every complete line between byte `from` and byte `to` (end of
 * file by default), `end` being the offset after its newline. Returns the offset after the last
 * complete line: an append cut short by a crash leaves a tail without a newline, which is not a line.
 */
export async function forEachLine(path: string, visit: (line: string, start: number, end: number) => void, from = 0, to = Infinity): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const limit = Math.min(to, (await fh.stat()).size);
    let pos = from;
    let carry = Buffer.alloc(0);
    let carryAt = from;
    let done = from;
    while (pos < limit) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, limit - pos));
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let s = 0;
      for (let nl = data.indexOf(10, s); nl !== -1; nl = data.indexOf(10, s)) {
        visit(data.toString('utf8', s, nl), carryAt + s, carryAt + nl + 1);
        s = nl + 1;
      }
      done = carryAt + s;
      carry = Buffer.from(data.subarray(s));
      carryAt = done;
    }
    return done;
  } finally {
    await fh.close();
  }
}
