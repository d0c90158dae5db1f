import { PDFName, type PDFDocument, type PDFFont, type PDFRef } from 'pdf-lib';
import { embedVietnameseFont } from '../pdf/fonts.js';
import { embedSeal } from './seal-image.js';

// The visible signature (Circular 01/2019/TT-BNV art. 6(2)(c)): the agency seal in red at about its
// real size with the agency name and the signing time beside it; for attachments, text only
// (number/notation + time, 10 pt black). Drawn as a form XObject for the widget's /AP /N.
//
// A page with /Rotate is shown turned clockwise by that angle: the form then gets the opposite
// rotation as its /Matrix and the widget's rectangle is placed in unrotated page space where the
// viewer's top right ends up, so the seal is upright at the top right of the page as displayed.

const MM = 72 / 25.4;

export interface AppearanceSpec {
  kind: 'seal' | 'text';
  agencyName: string;
  /** ISO 8601 local time shown to people. */
  timeText: string;
  sealPng?: Uint8Array;
  /** Seal width on paper; default: the PNG's own resolution when it gives 30–45 mm, else 38 mm. */
  sealMm?: number;
  /** Số/ký hiệu for the text-only appearance. */
  label?: string;
  /** The page's /Rotate, so the appearance is upright for the viewer. */
  rotation?: PageRotation;
}

export type PageRotation = 0 | 90 | 180 | 270;

/** A page's /Rotate as one of the four valid angles (negative and >360 values folded, others rounded). */
export function pageRotation(degrees: number): PageRotation {
  const r = ((Math.round((Number.isFinite(degrees) ? degrees : 0) / 90) % 4) + 4) % 4;
  return (r * 90) as PageRotation;
}

export interface Box { x: number; y: number; width: number; height: number }

/**
 * The widget rectangle (page space, [llx lly urx ury]) for an appearance of `width` × `height`
 * (as the viewer sees it) at the top right of the page AS DISPLAYED: `right` from its right edge,
 * `top` from its top edge. `box` is the visible area (CropBox).
 */
export function topRightRect(box: Box, rotation: PageRotation, width: number, height: number, right: number, top: number): [number, number, number, number] {
  const [dw, dh] = rotation === 90 || rotation === 270 ? [box.height, box.width] : [box.width, box.height];
  const x2 = dw - right;
  const y2 = dh - top;
  // Displayed point (X, Y) → unrotated page point (u, v), both relative to the box's corner.
  const toPage = (X: number, Y: number): [number, number] => {
    switch (rotation) {
      case 90: return [box.width - Y, X];
      case 180: return [box.width - X, box.height - Y];
      case 270: return [Y, box.height - X];
      default: return [X, Y];
    }
  };
  const corners = [toPage(x2 - width, y2 - height), toPage(x2, y2)];
  const us = corners.map((c) => c[0]);
  const vs = corners.map((c) => c[1]);
  return [box.x + Math.min(...us), box.y + Math.min(...vs), box.x + Math.max(...us), box.y + Math.max(...vs)];
}

export interface Appearance {
  ref: PDFRef;
  width: number;
  height: number;
}

function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

function textOps(font: PDFFont, lines: string[], size: number, x: number, topY: number, leading: number, rgb: string): string {
  let ops = `BT /F1 ${num(size)} Tf ${rgb} rg\n`;
  lines.forEach((l, i) => {
    ops += `1 0 0 1 ${num(x)} ${num(topY - size - i * leading)} Tm ${font.encodeText(l).toString()} Tj\n`;
  });
  return ops + 'ET\n';
}

export async function buildAppearance(doc: PDFDocument, spec: AppearanceSpec): Promise<Appearance> {
  const font = await embedVietnameseFont(doc);
  const ctx = doc.context;
  const resources = ctx.obj({ Font: { F1: font.ref } });
  let ops: string;
  let width: number;
  let height: number;

  if (spec.kind === 'seal' && spec.sealPng) {
    const image = await embedSeal(doc, spec.sealPng);
    // Actual size (art. 6(2)(c)): trust the PNG's resolution only within a round seal's range.
    const ownMm = image.widthMm !== undefined && image.widthMm >= 30 && image.widthMm <= 45 ? image.widthMm : undefined;
    const sealW = (spec.sealMm ?? ownMm ?? 38) * MM;
    const sealH = (sealW * image.height) / image.width;
    const textW = 48 * MM;
    const size = 7;
    const leading = 8.5;
    const lines = [...wrap(spec.agencyName, font, size, textW), ...wrap(`Thời gian ký: ${spec.timeText}`, font, size, textW)];
    width = textW + 2 * MM + sealW;
    height = Math.max(sealH, lines.length * leading + 4);
    // Text left, vertically centred; seal at the right edge so it sits at the page's top right.
    const textTop = height / 2 + (lines.length * leading) / 2;
    ops = textOps(font, lines, size, 0, textTop, leading, '0.75 0 0')
      + `q ${num(sealW)} 0 0 ${num(sealH)} ${num(width - sealW)} ${num(height - sealH)} cm /Seal Do Q\n`;
    resources.set(PDFName.of('XObject'), ctx.obj({ Seal: image.ref }));
  } else {
    const size = 10;
    const leading = 12;
    const maxW = 80 * MM;
    const lines = [...(spec.label ? wrap(spec.label, font, size, maxW) : wrap(spec.agencyName, font, size, maxW)), spec.timeText];
    width = Math.min(maxW, Math.max(...lines.map((l) => font.widthOfTextAtSize(l, size)))) + 2;
    height = lines.length * leading + 4;
    ops = textOps(font, lines, size, 1, height - 2, leading, '0 0 0');
  }
  // Turned against the page's /Rotate (counter-clockwise by it); the viewer fits the turned BBox
  // into the widget's rectangle (PDF 32000-1 §12.5.5).
  const rad = ((spec.rotation ?? 0) * Math.PI) / 180;
  const [c, s] = [Math.round(Math.cos(rad)), Math.round(Math.sin(rad))];
  const stream = ctx.flateStream(ops, {
    Type: 'XObject', Subtype: 'Form', BBox: [0, 0, width, height], Resources: resources,
    ...(spec.rotation ? { Matrix: [c, s, -s, c, 0, 0] } : {}),
  });
  return { ref: ctx.register(stream), width, height };
}
