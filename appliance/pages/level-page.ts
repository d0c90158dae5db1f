import sharp from 'sharp';

// A page turned upright and levelled, the way the OCR reads it and the PDF shows it: the quarter
// turn first (exact), then the skew in one resampling about the page's centre, the corners filled
// with paper white, cut back to the upright page's own size (the same width, height and so the
// same resolution: every coordinate measured on the page — header bands, field boxes — keeps its
// scale).

export interface Levelling {
  /** Clockwise quarter turn that makes the page upright. */
  rotation: 0 | 90 | 180 | 270;
  /** Skew to take out, degrees; positive = the content was turned clockwise. 0: none. */
  levelDeg: number;
  /** The page as scanned, pixels. */
  width: number;
  height: number;
}

/**
 * `img` (the page as scanned, any channel count without alpha) upright and level. Bicubic
 * resampling: letters stay as sharp as the scan's (bilinear softened their strokes).
 */
export async function levelPage(img: sharp.Sharp, o: Levelling): Promise<sharp.Sharp> {
  if (o.levelDeg === 0) return o.rotation ? img.rotate(o.rotation) : img;
  const [uw, uh] = o.rotation % 180 ? [o.height, o.width] : [o.width, o.height];
  let turned = img;
  if (o.rotation) {
    // (sharp applies a rotation after an affine transform in one pipeline: turned apart, first)
    const r = await img.rotate(o.rotation).raw().toBuffer({ resolveWithObject: true });
    turned = sharp(r.data, { raw: { width: r.info.width, height: r.info.height, channels: r.info.channels } });
  }
  const a = (-o.levelDeg * Math.PI) / 180;
  const { data, info } = await turned
    .affine([[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]], { background: '#ffffff', interpolator: sharp.interpolators.bicubic })
    .raw().toBuffer({ resolveWithObject: true });
  // the turned canvas is larger: the page's own size, centred
  const width = Math.min(uw, info.width); const height = Math.min(uh, info.height);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .extract({ left: Math.floor((info.width - width) / 2), top: Math.floor((info.height - height) / 2), width, height });
}
