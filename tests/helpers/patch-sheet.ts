import sharp from 'sharp';

// Patch-code separator sheets as a scanner would give them, made for the tests (the vendor sheets
// themselves cannot be shipped): an A4 page at `dpi` with the four bars of the patch across the
// feed near the leading edge (Kodak A-61599 widths: wide 0.20 in, narrow bars and spaces 0.08 in),
// its name printed under it, then greyish paper, a slight skew, dust and scanner blur, JPEG.

const PATTERNS: Record<string, string> = { '1': 'WWNN', '2': 'WNNW', '3': 'WNWN', '4': 'NWWN', T: 'NWNW', '6': 'NNWW' };

export interface PatchSheetOptions {
  code: keyof typeof PATTERNS | string;
  dpi: number;
  skewDeg?: number;
  /** Dust specks, grey paper, blur and JPEG (a recorded scan's look). */
  noise?: boolean;
  /** Bars along the feed (an end-fed patch), read from the right edge. */
  endFed?: boolean;
  /** Bar length, inches (default 3). */
  lengthIn?: number;
}

export async function patchSheet(o: PatchSheetOptions): Promise<Buffer> {
  const { dpi } = o;
  const w = Math.round(8.27 * dpi); const h = Math.round(11.69 * dpi);
  const inch = (v: number) => Math.round(v * dpi);
  const len = inch(o.lengthIn ?? 3);
  const rects: string[] = [];
  let at = 0;
  for (const [i, k] of [...PATTERNS[o.code]!].entries()) {
    const t = k === 'W' ? 0.2 : 0.08;
    if (o.endFed) {
      // read right to left: the first bar is the rightmost, its edge 0.6 in from the right
      const x = w - inch(0.6) - inch(at) - inch(t);
      rects.push(`<rect x="${x}" y="${inch(3)}" width="${inch(t)}" height="${len}" fill="#111"/>`);
    } else {
      rects.push(`<rect x="${Math.round((w - len) / 2)}" y="${inch(0.6) + inch(at)}" width="${len}" height="${inch(t)}" fill="#111"/>`);
    }
    at += t + (i < 3 ? 0.08 : 0);
  }
  const label = `<text x="${w / 2}" y="${inch(2.2)}" font-family="DejaVu Sans" font-size="${inch(0.4)}" text-anchor="middle" fill="#111">PATCH ${o.code}</text>`
    + `<text x="${w / 2}" y="${inch(2.7)}" font-family="DejaVu Sans" font-size="${inch(0.15)}" text-anchor="middle" fill="#111">Separator sheet — place between documents</text>`;
  const paper = o.noise ? '#e6e4df' : '#ffffff';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="${paper}"/>${rects.join('')}${label}</svg>`;
  let img = sharp(Buffer.from(svg), { density: 72 }).greyscale();
  if (o.skewDeg) img = sharp(await img.png().toBuffer()).rotate(o.skewDeg, { background: paper }).resize(w, h, { fit: 'cover' });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const grey = info.channels === 1 ? data : Buffer.from(Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels]!));
  if (o.noise) {
    // deterministic dust: dark specks of 1–3 px, and light specks inside the bars
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const n = Math.round(info.width * info.height * 0.0008);
    for (let k = 0; k < n; k++) {
      const x = Math.floor(rnd() * (info.width - 3)); const y = Math.floor(rnd() * (info.height - 3));
      const v = rnd() < 0.5 ? 30 : 250; const s = 1 + Math.floor(rnd() * 2);
      for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) grey[(y + dy) * info.width + x + dx] = v;
    }
  }
  let out = sharp(grey, { raw: { width: info.width, height: info.height, channels: 1 } });
  if (o.noise) out = out.blur(0.9);
  return out.withMetadata({ density: dpi }).jpeg({ quality: o.noise ? 60 : 90 }).toBuffer();
}
