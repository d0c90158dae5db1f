// The minimal POSIX ustar subset a backup needs: regular files only, read and written in memory one
// entry at a time. Hand-written (about a hundred lines) because the archive must carry exactly the
// bytes that were hashed, read once; the result is a standard .tar that Debian's `tar -xzf` opens,
// so a technician can always get the files out without Sohoa.

const BLOCK = 512;

export interface TarEntry {
  path: string;
  data: Buffer;
  /** Modification time, whole seconds since the epoch. */
  mtime: number;
}

function writeString(h: Buffer, value: string, offset: number, length: number): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: "${value}" does not fit in ${length} bytes`);
  bytes.copy(h, offset);
}

function writeOctal(h: Buffer, value: number, offset: number, length: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar: ${value} does not fit in a ${length}-byte field`);
  writeString(h, digits.padStart(length - 1, '0'), offset, length - 1);
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum;
}

/** A path longer than 100 bytes goes in `prefix` (up to 155) + `name`, split at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

/** Header + data + padding of one regular file. */
export function tarEntry(e: TarEntry): Buffer[] {
  const h = Buffer.alloc(BLOCK);
  const { prefix, name } = splitPath(e.path);
  writeString(h, name, 0, 100);
  writeOctal(h, 0o644, 100, 8);
  writeOctal(h, 0, 108, 8);
  writeOctal(h, 0, 116, 8);
  writeOctal(h, e.data.length, 124, 12);
  writeOctal(h, Math.max(0, Math.floor(e.mtime)), 136, 12);
  h[156] = 0x30; // '0': regular file
  writeString(h, 'ustar\x0000', 257, 8);
  writeString(h, prefix, 345, 155);
  writeOctal(h, checksum(h), 148, 7);
  h[155] = 0x20;
  const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
  return pad ? [h, e.data, Buffer.alloc(pad)] : [h, e.data];
}

/** The two zero blocks that end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

function readString(h: Buffer, offset: number, length: number): string {
  const field = h.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readOctal(h: Buffer, offset: number, length: number): number {
  const s = readString(h, offset, length).trim();
  if (!/^[0-7]+$/.test(s)) throw new Error(`tar: bad number field "${s}" at header offset ${offset}`);
  return parseInt(s, 8);
}

/**
 * Reads the entries of a tar byte stream. Anything but regular files (links, devices, pax or GNU
 * long-name headers) is refused: a Sohoa backup never contains them, so their presence means the
 * archive is not one.
 */
export async function* readTar(chunks: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  // Chunks are queued and joined only once an entry is complete: joining on every chunk would copy
  // a 50 MB PDF thousands of times.
  const queue: Buffer[] = [];
  let queued = 0;
  const take = (n: number): Buffer => {
    const whole = queue.length === 1 ? queue[0]! : Buffer.concat(queue, queued);
    queue.length = 0;
    if (whole.length > n) queue.push(whole.subarray(n));
    queued = whole.length - n;
    return whole.subarray(0, n);
  };
  let pending: { path: string; size: number; mtime: number } | null = null;
  for await (const chunk of chunks) {
    queue.push(chunk);
    queued += chunk.length;
    for (;;) {
      if (pending) {
        const padded = pending.size + ((BLOCK - (pending.size % BLOCK)) % BLOCK);
        if (queued < padded) break;
        const data = Buffer.from(take(padded).subarray(0, pending.size));
        yield { path: pending.path, data, mtime: pending.mtime };
        pending = null;
        continue;
      }
      if (queued < BLOCK) break;
      const h = take(BLOCK);
      if (h.every((b) => b === 0)) return; // end of archive
      if (readOctal(h, 148, 8) !== checksum(h)) throw new Error('tar: header checksum mismatch');
      const type = String.fromCharCode(h[156]!);
      const prefix = readString(h, 345, 155);
      const path = (prefix ? prefix + '/' : '') + readString(h, 0, 100);
      if (type !== '0' && type !== '\0') throw new Error(`tar: entry "${path}" is not a regular file (type "${type}")`);
      pending = { path, size: readOctal(h, 124, 12), mtime: readOctal(h, 136, 12) };
    }
  }
  throw new Error('tar: the archive ends before its end marker (truncated)');
}
