// The page.evaluate callbacks of the UI tests run in Chromium. The tests' type-check has no DOM
// library (it would retype Node's web crypto used by appliance/sign): these are the few browser
// names the callbacks use.
declare const window: unknown;
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { childList?: boolean; subtree?: boolean; characterData?: boolean }): void;
}
declare const sessionStorage: { getItem(key: string): string | null };
interface HTMLImageElement { readonly complete: boolean; readonly naturalWidth: number }
