import { S } from '../strings.js';
import type { PageEdit, PageEditView } from '../types.js';
import { addRotation } from './page-geometry.js';
import { useStripDrag } from './strip-drag.js';

// The job's pages in document order, under the large page: touch one to show it; the keys under
// the strip turn it, move it earlier or later (or drag it there: strip-drag.ts), take it out (or
// back) and mark it blank (or not).
// Pages taken out or blank stay in the strip, greyed: nothing is deleted before Đăng ký, and
// "Hoàn tác" takes back the last change.

interface Props {
  pages: PageEditView[];
  selected: number;
  onSelect: (page: number) => void;
  /** The whole new arrangement (the API takes every page at once). */
  onChange: (pages: PageEdit[]) => void;
  onUndo: () => void;
  canUndo: boolean;
  disabled: boolean;
}

const plain = (p: PageEditView): PageEdit => ({ page: p.page, rotation: p.rotation, removed: p.removed, blank: p.blank });

export function PageStrip({ pages, selected, onSelect, onChange, onUndo, canUndo, disabled }: Props) {
  const at = pages.findIndex((p) => p.page === selected);
  const cur = pages[at];
  const change = (f: (list: PageEdit[]) => PageEdit[]) => onChange(f(pages.map(plain)));
  const update = (patch: Partial<PageEdit>) => change((list) => list.map((p) => (p.page === selected ? { ...p, ...patch } : p)));
  const move = (from: number, to: number) => change((list) => {
    const out = [...list];
    const [p] = out.splice(from, 1);
    out.splice(to, 0, p!);
    return out;
  });
  const moveBy = (d: number) => move(at, at + d);
  const { listRef, drag, handlers } = useStripDrag(disabled, move);

  return (
    <div class="page-strip-box" onMouseDown={(e) => e.preventDefault()}>
      <div ref={listRef} class={`page-strip-list ${drag ? 'page-strip-dragging' : ''}`} role="listbox" aria-label={S.pages.strip} title={S.pages.dragHint} data-testid="page-strip">
        {pages.map((p, i) => {
          const out = p.removed || p.blank;
          const turn = addRotation(p.autoRotation, p.rotation);
          const dragCls = !drag ? '' : i === drag.from ? 'strip-thumb-drag' : i === drag.to ? (drag.to < drag.from ? 'strip-drop-before' : 'strip-drop-after') : '';
          return (
            <button type="button" role="option" aria-selected={p.page === selected} key={p.page} data-page={p.page} {...handlers(i)}
              class={`strip-thumb ${p.page === selected ? 'strip-thumb-on' : ''} ${out ? 'strip-thumb-out' : ''} ${dragCls}`} onClick={() => onSelect(p.page)}>
              <span class="strip-img"><img src={p.imageUrl} alt="" loading="lazy" style={turn ? { transform: `rotate(${turn}deg)` } : undefined} /></span>
              <span class="strip-label">{i + 1}{p.removed ? ` · ${S.pages.removedShort}` : p.blank ? ` · ${S.pages.blankShort}` : ''}</span>
            </button>
          );
        })}
      </div>
      <div class="page-strip-keys" onMouseDown={(e) => e.preventDefault()}>
        <button type="button" class="btn btn-tool" data-testid="page-rotate" disabled={disabled || !cur} onClick={() => update({ rotation: addRotation(cur!.rotation, 90) })}>{S.pages.rotate}</button>
        <button type="button" class="btn btn-tool" data-testid="page-earlier" aria-label={S.pages.earlier} disabled={disabled || at <= 0} onClick={() => moveBy(-1)}>◀</button>
        <button type="button" class="btn btn-tool" data-testid="page-later" aria-label={S.pages.later} disabled={disabled || at < 0 || at >= pages.length - 1} onClick={() => moveBy(1)}>▶</button>
        <button type="button" class="btn btn-tool" data-testid="page-remove" disabled={disabled || !cur} onClick={() => update({ removed: !cur!.removed })}>
          {cur?.removed ? S.pages.restore : S.pages.remove}
        </button>
        <button type="button" class="btn btn-tool" data-testid="page-blank" disabled={disabled || !cur || cur.removed} onClick={() => update({ blank: !cur!.blank })}>
          {cur?.blank ? S.pages.notBlank : S.pages.blank}
        </button>
        <button type="button" class="btn btn-tool" data-testid="page-undo" disabled={disabled || !canUndo} onClick={onUndo}>{S.pages.undo}</button>
      </div>
    </div>
  );
}
