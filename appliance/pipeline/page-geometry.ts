import type { BBox, OcrLine, OcrPage } from '../ocr/ocr.js';

// Turning pages and the boxes on them. Three frames meet on the review screen: the page as
// scanned (its preview, and the fractions the touchscreen sends), the upright page the OCR read
// (turned by OcrPage.rotation), and the page as the clerk turned it (a page edit). Rotations are
// clockwise, in quarter turns.

export type Rotation = 0 | 90 | 180 | 270;

/** A rectangle in fractions (0..1) of a page's width and height. */
export interface Region { x: number; y: number; w: number; h: number }

export const addRotation = (a: number, b: number): Rotation => ((((a + b) % 360) + 360) % 360) as Rotation;

/** A point in fractions of a page, after the page is turned by `r`. */
function turnPoint(x: number, y: number, r: Rotation): [number, number] {
  switch (r) {
    case 90: return [1 - y, x];
    case 180: return [1 - x, 1 - y];
    case 270: return [y, 1 - x];
    default: return [x, y];
  }
}

/** A region in fractions of a page, after the page is turned by `r`. */
export function turnRegion(g: Region, r: Rotation): Region {
  const [ax, ay] = turnPoint(g.x, g.y, r);
  const [bx, by] = turnPoint(g.x + g.w, g.y + g.h, r);
  return { x: Math.min(ax, bx), y: Math.min(ay, by), w: Math.abs(bx - ax), h: Math.abs(by - ay) };
}

/** A box in pixels of a `width`×`height` image, after the image is turned by `r`. */
export function turnBox(b: BBox, width: number, height: number, r: Rotation): BBox {
  switch (r) {
    case 90: return { x0: height - b.y1, y0: b.x0, x1: height - b.y0, y1: b.x1 };
    case 180: return { x0: width - b.x1, y0: height - b.y1, x1: width - b.x0, y1: height - b.y0 };
    case 270: return { x0: b.y0, y0: width - b.x1, x1: b.y1, y1: width - b.x0 };
    default: return b;
  }
}

/** The OCR of a page turned by `r` (its image is `imagePath`, already turned): boxes follow, text stays. */
export function turnOcrPage(p: OcrPage, r: Rotation, imagePath: string): OcrPage {
  if (r === 0) return p;
  const turn = (b: BBox) => turnBox(b, p.width, p.height, r);
  const lines: OcrLine[] = p.lines.map((l) => ({ ...l, bbox: turn(l.bbox), words: l.words.map((w) => ({ ...w, bbox: turn(w.bbox) })) }));
  const [width, height] = r % 180 ? [p.height, p.width] : [p.width, p.height];
  return { ...p, imagePath, width, height, rotation: addRotation(p.rotation, r), lines };
}

/** A pixel box of the upright OCR image as fractions of the page as scanned. */
export function scannedRegion(b: BBox, p: Pick<OcrPage, 'width' | 'height' | 'rotation'>): Region {
  const upright: Region = { x: b.x0 / p.width, y: b.y0 / p.height, w: (b.x1 - b.x0) / p.width, h: (b.y1 - b.y0) / p.height };
  return turnRegion(upright, addRotation(0, -p.rotation));
}
