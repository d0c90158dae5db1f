import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { S } from '../strings.js';
import type { Region, Rotation } from '../types.js';
import { addRotation, turnRegion } from './page-geometry.js';

// One page, large, beside the form: pinch (two fingers) or the +/− keys zoom, one finger pans,
// a double tap zooms in and out. When a field is chosen, a drag on the page marks a region (a tap
// marks the line under the finger) and that region is read into the field. The places a field
// was read are framed. Pointer events only (mouse, pen and touch alike), no library: the page is
// one CSS transform.

interface Props {
  imageUrl: string;
  /** How the page is shown: the OCR's upright turn plus the clerk's. */
  rotation: Rotation;
  /** Framed regions (fractions of the page as scanned). */
  highlight: Region[];
  /** Zooms to this region when it changes (a doubtful field's place). */
  focusOn: Region | null;
  /** The field a marked region is read into, by name; null: marking is off. */
  readInto: string | null;
  reading: boolean;
  onRead: (r: Region) => void;
  greyed: boolean;
}

interface View { s: number; tx: number; ty: number }
type Gesture =
  | { kind: 'pinch'; dist: number; mid: { x: number; y: number }; start: View }
  | { kind: 'pan' | 'select'; x: number; y: number; start: View; moved: boolean };

const MAX_ZOOM = 5;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function PageViewer(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [nat, setNat] = useState({ w: 210, h: 297 });
  const [view, setView] = useState<View>({ s: 1, tx: 0, ty: 0 });
  const [mode, setMode] = useState<'read' | 'move'>('read');
  const [sel, setSel] = useState<Region | null>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<Gesture | null>(null);
  const lastTap = useRef(0);

  useLayoutEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const turned = p.rotation % 180 !== 0;
  const aspect = turned ? nat.h / nat.w : nat.w / nat.h;
  const bw = Math.max(1, Math.min(size.w, size.h * aspect));
  const bh = bw / aspect;
  const ox = (size.w - bw) / 2;
  const oy = (size.h - bh) / 2;
  const marking = mode === 'read' && p.readInto !== null;

  /** Keeps at least a fifth of the page on screen. */
  const fitView = (v: View): View => {
    const s = clamp(v.s, 1, MAX_ZOOM);
    if (s === 1) return { s, tx: 0, ty: 0 };
    const keepW = 0.2 * size.w; const keepH = 0.2 * size.h;
    return { s, tx: clamp(v.tx, keepW - ox - bw * s, size.w - keepW - ox), ty: clamp(v.ty, keepH - oy - bh * s, size.h - keepH - oy) };
  };

  const zoomAt = (x: number, y: number, s2: number, from: View = view) => {
    const s = clamp(s2, 1, MAX_ZOOM);
    setView(fitView({ s, tx: x - ox - ((x - ox - from.tx) * s) / from.s, ty: y - oy - ((y - oy - from.ty) * s) / from.s }));
  };

  // a new page, or the page turned: shown whole
  useEffect(() => { setView({ s: 1, tx: 0, ty: 0 }); setSel(null); }, [p.imageUrl, p.rotation]);

  // a doubtful field: open its place
  useEffect(() => {
    if (!p.focusOn || size.w === 0) return;
    const r = turnRegion(p.focusOn, p.rotation);
    const s = clamp(Math.min((0.85 * size.w) / (r.w * bw), (0.5 * size.h) / (r.h * bh)), 1, 3);
    setView(fitView({ s, tx: size.w / 2 - ox - (r.x + r.w / 2) * bw * s, ty: size.h / 2 - oy - (r.y + r.h / 2) * bh * s }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.focusOn, size.w, size.h, nat.w, nat.h]);

  const local = (e: PointerEvent) => {
    const r = box.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  /** A point of the box as fractions of the page as shown. */
  const onPage = (pt: { x: number; y: number }) => ({
    x: clamp((pt.x - ox - view.tx) / (view.s * bw), 0, 1), y: clamp((pt.y - oy - view.ty) / (view.s * bh), 0, 1),
  });

  const down = (e: PointerEvent) => {
    // the chosen field keeps the focus (and the caret) while the finger works on the page
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    const pt = local(e);
    pointers.current.set(e.pointerId, pt);
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()] as [{ x: number; y: number }, { x: number; y: number }];
      gesture.current = { kind: 'pinch', dist: Math.hypot(a.x - b.x, a.y - b.y) || 1, mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, start: view };
      setSel(null);
    } else if (pointers.current.size === 1) {
      gesture.current = { kind: marking ? 'select' : 'pan', x: pt.x, y: pt.y, start: view, moved: false };
    }
  };

  const move = (e: PointerEvent) => {
    if (!pointers.current.has(e.pointerId)) return;
    const pt = local(e);
    pointers.current.set(e.pointerId, pt);
    const g = gesture.current;
    if (!g) return;
    if (g.kind === 'pinch') {
      const [a, b] = [...pointers.current.values()] as [{ x: number; y: number }, { x: number; y: number }];
      const s = clamp((g.start.s * Math.hypot(a.x - b.x, a.y - b.y)) / g.dist, 1, MAX_ZOOM);
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      // the page point under the fingers' first midpoint follows their midpoint
      const px = (g.mid.x - ox - g.start.tx) / g.start.s; const py = (g.mid.y - oy - g.start.ty) / g.start.s;
      setView(fitView({ s, tx: mid.x - ox - px * s, ty: mid.y - oy - py * s }));
      return;
    }
    if (Math.hypot(pt.x - g.x, pt.y - g.y) > 8) g.moved = true;
    if (!g.moved) return;
    if (g.kind === 'pan') setView(fitView({ ...g.start, tx: g.start.tx + pt.x - g.x, ty: g.start.ty + pt.y - g.y }));
    else {
      const a = onPage({ x: g.x, y: g.y }); const b = onPage(pt);
      setSel({ x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(b.x - a.x), h: Math.abs(b.y - a.y) });
    }
  };

  const up = (e: PointerEvent) => {
    if (!pointers.current.delete(e.pointerId)) return;
    const g = gesture.current;
    if (pointers.current.size > 0) {
      // one finger left after a pinch: it pans from here
      if (g?.kind === 'pinch') {
        const [pt] = [...pointers.current.values()] as [{ x: number; y: number }];
        gesture.current = { kind: 'pan', x: pt.x, y: pt.y, start: view, moved: true };
      }
      return;
    }
    gesture.current = null;
    if (!g || g.kind === 'pinch') return;
    const pt = local(e);
    if (g.kind === 'select') {
      const shown = g.moved ? sel : tapBand(onPage(pt));
      setSel(null);
      if (shown && shown.w > 0.01 && shown.h > 0.005) p.onRead(turnRegion(shown, addRotation(0, -p.rotation)));
      return;
    }
    if (!g.moved) {
      // a double tap zooms in at the finger, or back to the whole page
      const now = performance.now();
      if (now - lastTap.current < 350) { zoomAt(pt.x, pt.y, view.s > 1.2 ? 1 : 2.5); lastTap.current = 0; } else lastTap.current = now;
    }
  };

  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    const r = box.current!.getBoundingClientRect();
    zoomAt(e.clientX - r.left, e.clientY - r.top, view.s * (e.deltaY < 0 ? 1.25 : 0.8));
  };

  const pct = (r: Region) => ({ left: `${r.x * 100}%`, top: `${r.y * 100}%`, width: `${r.w * 100}%`, height: `${r.h * 100}%` });
  const imgStyle = turned
    ? { width: `${bh}px`, height: `${bw}px`, left: `${(bw - bh) / 2}px`, top: `${(bh - bw) / 2}px`, transform: `rotate(${p.rotation}deg)` }
    : { width: `${bw}px`, height: `${bh}px`, left: '0', top: '0', transform: p.rotation ? `rotate(${p.rotation}deg)` : undefined };

  return (
    <div class={`page-viewer ${p.greyed ? 'page-viewer-greyed' : ''}`}>
      <div class={`page-view-box ${marking ? 'page-view-marking' : ''}`} ref={box} data-testid="page-view"
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} onWheel={wheel}
        onMouseDown={(e) => e.preventDefault()}>
        <div class="page-stage" data-testid="page-stage" data-zoom={view.s.toFixed(2)}
          style={{ width: `${bw}px`, height: `${bh}px`, transform: `translate(${ox + view.tx}px, ${oy + view.ty}px) scale(${view.s})` }}>
          <img src={p.imageUrl} alt={S.pages.viewerAlt} draggable={false} style={imgStyle}
            onLoad={(e) => setNat({ w: e.currentTarget.naturalWidth || 210, h: e.currentTarget.naturalHeight || 297 })} />
          {p.highlight.map((h, i) => <div class="page-mark" data-testid="field-mark" key={i} style={pct(turnRegion(h, p.rotation))} />)}
          {sel && <div class="page-select" style={pct(sel)} />}
        </div>
        {p.reading && <div class="page-reading" role="status">{S.pages.reading}</div>}
        <p class="page-hint">{marking ? S.pages.readHint(p.readInto!) : S.pages.moveHint}</p>
      </div>
      <div class="page-tools" onMouseDown={(e) => e.preventDefault()}>
        <button type="button" class={`btn btn-tool ${marking ? 'btn-tool-on' : ''}`} data-testid="mode-read" disabled={!p.readInto}
          onClick={() => setMode('read')}>{S.pages.modeRead}</button>
        <button type="button" class={`btn btn-tool ${!marking ? 'btn-tool-on' : ''}`} data-testid="mode-move" onClick={() => setMode('move')}>{S.pages.modeMove}</button>
        <button type="button" class="btn btn-tool" data-testid="zoom-in" aria-label={S.pages.zoomIn} onClick={() => zoomAt(size.w / 2, size.h / 2, view.s * 1.5)}>+</button>
        <button type="button" class="btn btn-tool" data-testid="zoom-out" aria-label={S.pages.zoomOut} onClick={() => zoomAt(size.w / 2, size.h / 2, view.s / 1.5)}>−</button>
        <button type="button" class="btn btn-tool" data-testid="zoom-fit" onClick={() => setView({ s: 1, tx: 0, ty: 0 })}>{S.pages.fit}</button>
      </div>
    </div>
  );
}

/** A tap marks the line under the finger: a band across the text around it. */
function tapBand(pt: { x: number; y: number }): Region {
  const w = 0.5; const h = 0.035;
  const x = clamp(pt.x - w / 2, 0, 1 - w); const y = clamp(pt.y - h / 2, 0, 1 - h);
  return { x, y, w, h };
}
