// The touchscreen is a kiosk (systemd/sohoa-kiosk.service). Chromium's kiosk mode and its managed
// policy remove the address bar, tabs, developer tools and downloads; what only the page itself
// can stop is stopped here: the long-press / right-click menu, zooming the page (Ctrl+wheel,
// trackpad pinch, Ctrl +/−/0), and the shortcuts that open browser panels or navigate away
// (find bar, save page, view source, history, Alt+←/→). Reload (F5, Ctrl+R) and print (Ctrl+P)
// stay allowed. Touch pinch is stopped by `touch-action` in styles.css and the viewport meta.

/** With Ctrl (or ⌘), with or without Shift: page zoom in, out and reset (main keys and keypad). */
const ZOOM_KEYS = new Set(['+', '=', '-', '_', '0']);
/** With Ctrl: find bar (F, G), save page (S), open file (O), view source (U), history (H),
 *  downloads (J), bookmark (D). Copy, cut, paste, select all and undo in the form's fields stay. */
const CTRL_KEYS = new Set(['f', 'g', 's', 'o', 'u', 'h', 'j', 'd']);
/** With Ctrl+Shift: developer tools and inspector (I, J, C), bookmarks (O, B), clear data (Delete). */
const CTRL_SHIFT_KEYS = new Set(['i', 'j', 'c', 'o', 'b', 'Delete']);
/** Alone: find next (F3), focus the (hidden) toolbar (F6, F10), caret browsing (F7), DevTools
 *  (F12), and the keyboard's own back/forward/search/favourites keys. */
const PLAIN_KEYS = new Set(['F3', 'F6', 'F7', 'F10', 'F12', 'BrowserBack', 'BrowserForward', 'BrowserSearch', 'BrowserFavorites', 'BrowserHome']);

/** Whether a key press would leave the page, zoom it or open a browser panel. */
export function isBlockedKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (PLAIN_KEYS.has(e.key)) return true;
  if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home')) return true; // back, forward, home page
  if (!(e.ctrlKey || e.metaKey)) return false;
  if (ZOOM_KEYS.has(key)) return true;
  return e.shiftKey ? CTRL_SHIFT_KEYS.has(key) : CTRL_KEYS.has(key);
}

/** Installs the guards on `win`; returns a function that removes them. */
export function guardKiosk(win: Window = window): () => void {
  const stop = (e: Event): void => { e.preventDefault(); };
  const onWheel = (e: WheelEvent): void => { if (e.ctrlKey) e.preventDefault(); }; // Ctrl+wheel and trackpad pinch
  const onKey = (e: KeyboardEvent): void => { if (isBlockedKey(e)) e.preventDefault(); };
  // A middle or Ctrl/Shift click on a link would open a tab the kiosk has no way back from.
  const onClick = (e: MouseEvent): void => {
    const link = (e.target as Element | null)?.closest?.('a[href]');
    if (link && (e.button === 1 || e.ctrlKey || e.metaKey || e.shiftKey)) e.preventDefault();
  };
  const listeners: [string, EventListener, AddEventListenerOptions][] = [
    ['contextmenu', stop, { capture: true }],
    ['dragstart', stop, { capture: true }],
    ['wheel', onWheel as EventListener, { capture: true, passive: false }],
    ['keydown', onKey as EventListener, { capture: true }],
    ['click', onClick as EventListener, { capture: true }],
    ['auxclick', onClick as EventListener, { capture: true }],
  ];
  for (const [type, fn, opts] of listeners) win.addEventListener(type, fn, opts);
  return () => { for (const [type, fn, opts] of listeners) win.removeEventListener(type, fn, opts); };
}
