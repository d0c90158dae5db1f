import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

// A package as the queue keeps it: the edXML text before the attachment's base64 (head), the signed
// PDF itself, and the text after it (tail). The body sent is head + base64(PDF) + tail, encoded on
// the fly: a 50 MB PDF goes out without ever being held in memory, as bytes or as base64 text
// (~67 MB). A package that carries no attachment is kept whole as its head.

export interface PackageFiles {
  head: string;
  /** The signed PDF whose base64 sits between head and tail; null for a package kept whole. */
  pdf: string | null;
  /**
   * A document split into parts under 50 MB each (Tuyên Quang art. 8.4): each further part's
   * PDF, with the package text between the previous attachment's base64 and its own.
   */
  more?: { text: string; pdf: string }[];
  tail: string | null;
}

const CHUNK = 64 * 1024;
/** 3-byte groups: base64 of each chunk joins up without padding in between. */
const GROUP = 3 * 16 * 1024;

/** Base64 of a byte stream, chunk by chunk (a multiple of 3 bytes each, the rest carried over). */
export async function* base64Chunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest = Buffer.alloc(0);
  for await (const chunk of source) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const whole = buf.length - (buf.length % 3);
    if (whole > 0) yield Buffer.from(buf.subarray(0, whole).toString('base64'), 'latin1');
    rest = Buffer.from(buf.subarray(whole));
  }
  if (rest.length) yield Buffer.from(rest.toString('base64'), 'latin1');
}

async function* bodyChunks(files: PackageFiles): AsyncGenerator<Buffer> {
  yield* createReadStream(files.head, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
  if (files.pdf) yield* base64Chunks(createReadStream(files.pdf, { highWaterMark: GROUP }) as AsyncIterable<Buffer>);
  for (const m of files.more ?? []) {
    yield* createReadStream(m.text, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
    yield* base64Chunks(createReadStream(m.pdf, { highWaterMark: GROUP }) as AsyncIterable<Buffer>);
  }
  if (files.tail) yield* createReadStream(files.tail, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
}

/** A fresh stream of the whole body (one per attempt: a body cannot be read twice). */
export function openBody(files: PackageFiles): Readable {
  return Readable.from(bodyChunks(files), { objectMode: false });
}

/** The body's length in bytes and its SHA-256 (hex), read through once. */
export async function measureBody(files: PackageFiles): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of bodyChunks(files)) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The body's length from the files' sizes alone (the Content-Length of an upload). */
export async function bodyLength(files: PackageFiles): Promise<number> {
  const size = async (p: string | null) => (p ? (await stat(p)).size : 0);
  const b64 = async (p: string | null) => 4 * Math.ceil((await size(p)) / 3);
  let more = 0;
  for (const m of files.more ?? []) more += (await size(m.text)) + (await b64(m.pdf));
  return (await size(files.head)) + (await b64(files.pdf)) + more + (await size(files.tail));
}

const OPEN = '<edXML:ContentTransferEncoded>';
const CLOSE = '</edXML:ContentTransferEncoded>';

/**
 * Cuts a package built by edxml/build-document.ts around its one attachment's base64: the text
 * before, the base64, the text after; null when it has not exactly one attachment.
 */
export function splitAtAttachment(xml: string): { head: string; base64: string; tail: string } | null {
  const cut = splitAtAttachments(xml);
  if (!cut || cut.base64.length !== 1) return null;
  return { head: cut.texts[0]!, base64: cut.base64[0]!, tail: cut.texts[1]! };
}

/**
 * Cuts a package around every attachment's base64: n attachments give n base64 texts and the
 * n + 1 texts around them (texts[0] before the first, texts[n] after the last); null when it has none.
 */
export function splitAtAttachments(xml: string): { texts: string[]; base64: string[] } | null {
  const texts: string[] = [];
  const base64: string[] = [];
  let from = 0;
  for (;;) {
    const start = xml.indexOf(OPEN, from);
    if (start < 0) break;
    const open = start + OPEN.length;
    const end = xml.indexOf(CLOSE, open);
    if (end < 0) return null;
    texts.push(xml.slice(from, open));
    base64.push(xml.slice(open, end));
    from = end;
  }
  if (!base64.length) return null;
  texts.push(xml.slice(from));
  return { texts, base64 };
}
