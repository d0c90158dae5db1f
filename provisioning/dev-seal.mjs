#!/usr/bin/env node
// Draws the DEVELOPMENT agency seal: a red round seal look (two rings, the agency name around the
// circle, a star in the middle, "THỬ NGHIỆM" across it) as a transparent PNG, 40 mm at 300 dpi.
// Usage: node provisioning/dev-seal.mjs OUT.png "AGENCY NAME"
// Each letter of the name is placed and rotated on its own: librsvg (sharp's SVG renderer) does
// not lay text along a <textPath>.
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const [out, agencyArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: node provisioning/dev-seal.mjs OUT.png "AGENCY NAME"');
  process.exit(2);
}
const agency = (agencyArg || 'CƠ QUAN THỬ NGHIỆM').normalize('NFC').toUpperCase();

const SIZE = 472; // 40 mm at 300 dpi
const C = SIZE / 2;
const RED = '#d01f1f';
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// Name around the top of the ring, centred on 12 o'clock; shrink the font when the name is long.
const textR = C - 52;
const arc = 1.72 * Math.PI; // leave a gap at the bottom
const chars = [...agency];
const fontSize = Math.max(16, Math.min(30, (arc * textR) / (chars.length * 0.66)));
const step = (0.66 * fontSize) / textR; // radians per letter (DejaVu Sans Bold caps ≈ 0.66 em)
const start = -((chars.length - 1) * step) / 2;
const letters = chars.map((ch, i) => {
  const a = start + i * step; // 0 = top
  const x = C + textR * Math.sin(a);
  const y = C - textR * Math.cos(a);
  const deg = (a * 180) / Math.PI;
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" transform="rotate(${deg.toFixed(2)} ${x.toFixed(1)} ${y.toFixed(1)})" text-anchor="middle" dominant-baseline="middle">${esc(ch)}</text>`;
});

// Five-pointed star in the centre.
const starR = 58;
const star = Array.from({ length: 10 }, (_, i) => {
  const r = i % 2 === 0 ? starR : starR * 0.4;
  const a = (i * Math.PI) / 5;
  return `${(C + r * Math.sin(a)).toFixed(1)},${(C - 8 - r * Math.cos(a)).toFixed(1)}`;
}).join(' ');

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <g fill="none" stroke="${RED}" opacity="0.9">
    <circle cx="${C}" cy="${C}" r="${C - 8}" stroke-width="9"/>
    <circle cx="${C}" cy="${C}" r="${C - 100}" stroke-width="4"/>
  </g>
  <g fill="${RED}" opacity="0.9" font-family="DejaVu Sans" font-weight="bold" font-size="${fontSize.toFixed(1)}">
    ${letters.join('\n    ')}
  </g>
  <polygon points="${star}" fill="${RED}" opacity="0.9"/>
  <text x="${C}" y="${C + 78}" fill="${RED}" opacity="0.9" font-family="DejaVu Sans" font-weight="bold" font-size="30" text-anchor="middle">THỬ NGHIỆM</text>
</svg>`;

mkdirSync(dirname(out), { recursive: true });
await sharp(Buffer.from(svg), { density: 72 }).png().withMetadata({ density: 300 }).toFile(out);
console.log(`dev-seal: ${out} (${SIZE}×${SIZE} px, 40 mm at 300 dpi) for "${agency}"`);
