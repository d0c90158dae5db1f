import { useEffect, useRef, useState } from 'preact/hooks';

// Drag a page of the strip up or down to a new place (page-strip.tsx), with pointer events so one
// code serves touch, mouse and pen. A finger must first rest on the page (HOLD_MS) — a quick
// swipe still scrolls the strip; a mouse or pen drags as soon as it moves. While dragging, the
// strip does not scroll under the finger, the dragged page is marked and a line shows where it
// will land; letting go there makes the move (undoable like the ◀ ▶ keys).

const HOLD_MS = 300;
/** Movement (px) that starts a mouse drag, or cancels a finger's hold (the finger scrolls instead). */
const SLOP = 8;

export interface StripDrag { from: number; to: number }

interface Press { id: number; index: number; x: number; y: number; touch: boolean; active: boolean; timer?: ReturnType<typeof setTimeout> }

/** Where a pointer at `y` would drop among the strip's thumbs (their index order). */
function dropIndex(list: HTMLElement, y: number): number {
  const thumbs = [...list.querySelectorAll<HTMLElement>('[data-page]')];
  let to = 0;
  thumbs.forEach((t, i) => {
    const r = t.getBoundingClientRect();
    if (y > r.top + r.height / 2) to = i;
  });
  const first = thumbs[0]?.getBoundingClientRect();
  return first && y < first.top + first.height / 2 ? 0 : to;
}

export function useStripDrag(disabled: boolean, onDrop: (from: number, to: number) => void) {
  const listRef = useRef<HTMLDivElement>(null);
  const press = useRef<Press | null>(null);
  const [drag, setDrag] = useState<StripDrag | null>(null);
  const dropRef = useRef(onDrop);
  dropRef.current = onDrop;

  // The strip must not scroll while a page is being dragged (touch-action is decided at the touch's
  // start, so the move events are cancelled instead; they need a listener that is not passive).
  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const stop = (e: TouchEvent) => { if (press.current?.active) e.preventDefault(); };
    list.addEventListener('touchmove', stop, { passive: false });
    return () => list.removeEventListener('touchmove', stop);
  }, []);

  const end = () => {
    if (press.current?.timer) clearTimeout(press.current.timer);
    press.current = null;
    setDrag(null);
  };
  const activate = (el: Element, p: Press) => {
    p.active = true;
    try { el.setPointerCapture(p.id); } catch { /* pointer already gone */ }
    setDrag({ from: p.index, to: p.index });
  };

  const handlers = (index: number) => ({
    onPointerDown: (e: PointerEvent) => {
      if (disabled || e.button !== 0 || press.current) return;
      const el = e.currentTarget as Element;
      const p: Press = { id: e.pointerId, index, x: e.clientX, y: e.clientY, touch: e.pointerType === 'touch', active: false };
      if (p.touch) p.timer = setTimeout(() => { if (press.current === p) activate(el, p); }, HOLD_MS);
      press.current = p;
    },
    onPointerMove: (e: PointerEvent) => {
      const p = press.current;
      if (!p || p.id !== e.pointerId) return;
      const moved = Math.hypot(e.clientX - p.x, e.clientY - p.y) > SLOP;
      if (!p.active) {
        if (!moved) return;
        if (p.touch) { end(); return; } // a swipe: the strip scrolls
        activate(e.currentTarget as Element, p);
      }
      e.preventDefault();
      const to = listRef.current ? dropIndex(listRef.current, e.clientY) : p.index;
      setDrag((d) => (d && d.to === to ? d : { from: p.index, to }));
    },
    onPointerUp: (e: PointerEvent) => {
      const p = press.current;
      if (!p || p.id !== e.pointerId) return;
      if (p.active && listRef.current) {
        const to = dropIndex(listRef.current, e.clientY);
        if (to !== p.index) dropRef.current(p.index, to);
      }
      end();
    },
    onPointerCancel: end,
  });

  return { listRef, drag, handlers };
}
