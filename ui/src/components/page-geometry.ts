import type { Region, Rotation } from '../types.js';

// The review screen's page frames (the same rules as appliance/pipeline/page-geometry.ts, which
// the UI does not bundle): the page as scanned (what the API speaks in) and the page as shown,
// turned clockwise by the OCR's upright turn plus the clerk's own.

export const addRotation = (a: number, b: number): Rotation => ((((a + b) % 360) + 360) % 360) as Rotation;

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

/** The smallest region holding all of `rs`. */
export function unionRegion(rs: Region[]): Region {
  const x = Math.min(...rs.map((r) => r.x)); const y = Math.min(...rs.map((r) => r.y));
  return { x, y, w: Math.max(...rs.map((r) => r.x + r.w)) - x, h: Math.max(...rs.map((r) => r.y + r.h)) - y };
}
