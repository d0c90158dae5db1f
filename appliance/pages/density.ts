import { crc32 } from 'node:zlib';

// The resolution written into an encoded page, so a viewer or the PDF builder sizes it right.
// sharp's withMetadata({density}) would do it, but it also converts the image to sRGB: a grey page
// would come out with three channels (three times the pixels to compress). So the header is set
// here on the encoded bytes: the EXIF (and JFIF) resolution of a JPEG, the pHYs chunk of a PNG.

/**
 * Sets the dots per inch of a JPEG as libvips writes it: an EXIF APP1 segment whose first IFD holds
 * XResolution / YResolution (rationals) and ResolutionUnit, or a JFIF APP0 density; a JFIF APP0
 * is added when neither is there.
 */
export function setJpegDpi(jpeg: Buffer, dpi: number): Buffer {
  if (jpeg.readUInt16BE(0) !== 0xffd8) return jpeg;
  let at = 2;
  let found = false;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1]!;
    const len = jpeg.readUInt16BE(at + 2);
    if (marker === 0xda) break; // start of scan: no more headers
    if (marker === 0xe0 && jpeg.toString('latin1', at + 4, at + 9) === 'JFIF\0') {
      jpeg.writeUInt8(1, at + 11); jpeg.writeUInt16BE(dpi, at + 12); jpeg.writeUInt16BE(dpi, at + 14);
      found = true;
    }
    if (marker === 0xe1 && jpeg.toString('latin1', at + 4, at + 10) === 'Exif\0\0') { setExifDpi(jpeg, at + 10, dpi); found = true; }
    at += 2 + len;
  }
  if (found) return jpeg;
  // no header carries a resolution (sharp without metadata): a JFIF APP0 right after SOI
  const app0 = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, dpi >> 8, dpi & 255, dpi >> 8, dpi & 255, 0, 0]);
  return Buffer.concat([jpeg.subarray(0, 2), app0, jpeg.subarray(2)]);
}

/** XResolution, YResolution (RATIONAL) and ResolutionUnit (2 = inch) in IFD0 of the TIFF block at `tiff`. */
function setExifDpi(buf: Buffer, tiff: number, dpi: number): void {
  const le = buf.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const w16 = (v: number, o: number) => (le ? buf.writeUInt16LE(v, o) : buf.writeUInt16BE(v, o));
  const w32 = (v: number, o: number) => (le ? buf.writeUInt32LE(v, o) : buf.writeUInt32BE(v, o));
  const ifd = tiff + u32(tiff + 4);
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e);
    if ((tag === 0x011a || tag === 0x011b) && u16(e + 2) === 5) { const v = tiff + u32(e + 8); w32(dpi, v); w32(1, v + 4); }
    if (tag === 0x0128 && u16(e + 2) === 3) w16(2, e + 8);
  }
}

/** Adds (or replaces) the pHYs chunk of a PNG: pixels per metre. */
export function setPngDpi(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const data = Buffer.alloc(9);
  data.writeUInt32BE(ppm, 0); data.writeUInt32BE(ppm, 4); data.writeUInt8(1, 8); // unit: metre
  const type = Buffer.from('pHYs', 'latin1');
  const chunk = Buffer.alloc(12 + 9);
  chunk.writeUInt32BE(9, 0); type.copy(chunk, 4); data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 17);
  // chunks after the 8-byte signature; IHDR first (13 bytes of data): insert right after it
  const parts: Buffer[] = [png.subarray(0, 8)];
  let at = 8; let inserted = false;
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const kind = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + len;
    if (kind !== 'pHYs') parts.push(png.subarray(at, end));
    if (kind === 'IHDR' && !inserted) { parts.push(chunk); inserted = true; }
    at = end;
  }
  return Buffer.concat(parts);
}
