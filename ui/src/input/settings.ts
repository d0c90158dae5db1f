import type { InputOptions } from './engine.js';

// The on-screen keyboard's typing method and tone style, chosen on the keyboard itself and kept
// in this browser (the appliance's own screen), so the desk keeps the clerk's habit.

const KEY = 'sohoa.keyboard';
const DEFAULTS: InputOptions = { method: 'telex', toneStyle: 'old' };

export function loadInputOptions(): InputOptions {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<InputOptions>;
    return {
      method: saved.method === 'vni' || saved.method === 'off' ? saved.method : DEFAULTS.method,
      toneStyle: saved.toneStyle === 'new' ? 'new' : DEFAULTS.toneStyle,
    };
  } catch {
    return DEFAULTS;
  }
}

export function saveInputOptions(o: InputOptions): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(o));
  } catch {
    // A browser without storage keeps the choice until the page reloads.
  }
}
