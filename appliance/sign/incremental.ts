import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, type PDFObject } from 'pdf-lib';

// A PDF incremental update: the original bytes stay untouched and the new or changed objects are
// appended with their own cross-reference section whose trailer points back (/Prev) to the old
// one. That is what keeps an earlier signature valid when a second one is added.

export interface UpdateSession {
  doc: PDFDocument;
  /** Object numbers above this are new in this revision. */
  baseMax: number;
  /** Offset of the original's last cross-reference section (startxref). */
  prevXref: number;
  /** Existing objects changed in this revision (written again under the same number). */
  changed: Set<PDFRef>;
}

const require = createRequire(import.meta.url);
const latin1 = (s: string) => Buffer.from(s, 'latin1');

// pdf-lib's parser copies every stream out of the file (Uint8Array.slice). For a 50 MB scan that
// doubles the memory of signing, although the streams are only read. While our load runs, the
// parser takes views instead (subarray): the original bytes are never modified (update, verify).
const byteStreamProto = (require('pdf-lib/cjs/core/parser/ByteStream.js') as { default: { prototype: { bytes: Uint8Array; slice(a: number, b: number): Uint8Array } } }).default.prototype;

export async function loadPdfSharingBytes(pdf: Uint8Array): Promise<PDFDocument> {
  const original = byteStreamProto.slice;
  byteStreamProto.slice = function (this: { bytes: Uint8Array }, start: number, end: number) { return this.bytes.subarray(start, end); };
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true, parseSpeed: ParseSpeeds.Fastest });
  } finally {
    byteStreamProto.slice = original;
  }
}

export async function openForUpdate(pdf: Uint8Array): Promise<UpdateSession> {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const sx = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail) ?? [...tail.matchAll(/startxref\s+(\d+)/g)].pop();
  if (!sx) throw new Error('no startxref at the end of the file');
  const prevXref = Number(sx[1]);
  const doc = await loadPdfSharingBytes(pdf);
  if (doc.isEncrypted) throw new Error('the PDF is encrypted');
  // New objects must not reuse a number the old sections still list (free entries included).
  const lastSection = Buffer.from(pdf.subarray(prevXref, Math.min(pdf.length, prevXref + 1_000_000))).toString('latin1');
  const size = Number(/\/Size\s+(\d+)/.exec(lastSection)?.[1] ?? 0);
  const baseMax = Math.max(doc.context.largestObjectNumber, size - 1);
  doc.context.largestObjectNumber = baseMax;
  return { doc, baseMax, prevXref, changed: new Set() };
}

/** Appends `ref` to the array stored under `key` in `holder`, marking whichever object changed. */
export function appendToArray(s: UpdateSession, holder: PDFDict, holderRef: PDFRef, key: string, ref: PDFRef): void {
  const name = PDFName.of(key);
  const raw = holder.get(name);
  if (raw instanceof PDFRef) {
    const arr = s.doc.context.lookup(raw, PDFArray);
    arr.push(ref);
    s.changed.add(raw);
  } else if (raw instanceof PDFArray) {
    raw.push(ref);
    s.changed.add(holderRef);
  } else {
    holder.set(name, s.doc.context.obj([ref]));
    s.changed.add(holderRef);
  }
}

export interface SerializedUpdate {
  bytes: Buffer;
  /** Offset of each written object within `bytes`. */
  offsets: Map<number, number>;
}

/**
 * Serialises the revision: every object numbered above `baseMax` plus the changed ones, then a
 * classic xref section and trailer. `base` is the length of the original the bytes will follow.
 */
export function serializeUpdate(s: UpdateSession, base: number): SerializedUpdate {
  const ctx = s.doc.context;
  const refs = new Map<number, PDFRef>();
  for (const [ref] of ctx.enumerateIndirectObjects()) if (ref.objectNumber > s.baseMax) refs.set(ref.objectNumber, ref);
  for (const ref of s.changed) refs.set(ref.objectNumber, ref);
  const ordered = [...refs.values()].sort((a, b) => a.objectNumber - b.objectNumber);

  const parts: Buffer[] = [latin1('\n')];
  let pos = 1;
  const offsets = new Map<number, number>();
  for (const ref of ordered) {
    const obj = ctx.lookup(ref) as PDFObject;
    const head = latin1(`${ref.objectNumber} ${ref.generationNumber} obj\n`);
    const body = Buffer.alloc(obj.sizeInBytes());
    obj.copyBytesInto(body, 0);
    const foot = latin1('\nendobj\n');
    offsets.set(ref.objectNumber, pos);
    parts.push(head, body, foot);
    pos += head.length + body.length + foot.length;
  }

  const xrefAt = base + pos;
  let xref = 'xref\n';
  for (let i = 0; i < ordered.length; ) {
    let j = i;
    while (j + 1 < ordered.length && ordered[j + 1]!.objectNumber === ordered[j]!.objectNumber + 1) j++;
    xref += `${ordered[i]!.objectNumber} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const r = ordered[k]!;
      xref += `${String(base + offsets.get(r.objectNumber)!).padStart(10, '0')} ${String(r.generationNumber).padStart(5, '0')} n\r\n`;
    }
    i = j + 1;
  }
  const t = ctx.trailerInfo;
  const id = t.ID instanceof PDFArray ? t.ID : ctx.obj([PDFHexString.of(randomBytes(16).toString('hex')), PDFHexString.of(randomBytes(16).toString('hex'))]);
  const trailer = ctx.obj({ Size: ctx.largestObjectNumber + 1, Root: t.Root, Prev: s.prevXref, ID: id });
  if (t.Info) trailer.set(PDFName.of('Info'), t.Info as PDFObject);
  const trailerBytes = Buffer.alloc(trailer.sizeInBytes());
  trailer.copyBytesInto(trailerBytes, 0);
  parts.push(latin1(xref + 'trailer\n'), trailerBytes, latin1(`\nstartxref\n${xrefAt}\n%%EOF\n`));
  return { bytes: Buffer.concat(parts), offsets };
}
