import { typeKey, type InputOptions } from './engine.js';

// Editing a text field as a keyboard would: each change goes through setRangeText and an 'input'
// event, so the field's own handler (the form's state) sees it exactly as typed text.

export type Field = HTMLInputElement | HTMLTextAreaElement;

export function isTextField(el: Element | null): el is Field {
  if (el instanceof HTMLTextAreaElement) return !el.disabled && !el.readOnly;
  return el instanceof HTMLInputElement && !el.disabled && !el.readOnly && ['text', 'search', ''].includes(el.type);
}

function changed(field: Field): void {
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Replaces the selection (or the `back` characters before the caret) with `text`. */
export function insert(field: Field, text: string, back = 0): void {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.setRangeText(text, start === end ? Math.max(0, start - back) : start, end, 'end');
  changed(field);
}

/** Types one key with Vietnamese typing: the word before the caret is rewritten (hoa + f → hòa). */
export function typeInto(field: Field, key: string, options: InputOptions): void {
  const start = field.selectionStart ?? field.value.length;
  if (start !== (field.selectionEnd ?? start)) return insert(field, key);
  const before = field.value.slice(0, start);
  const word = /\p{L}*$/u.exec(before)![0];
  const next = typeKey(word, key, options);
  field.setRangeText(next, start - word.length, start, 'end');
  changed(field);
}

/** Moves the caret one character left or right (a selection collapses to its side first). */
export function moveCaret(field: Field, step: -1 | 1): void {
  const start = field.selectionStart ?? 0;
  const end = field.selectionEnd ?? start;
  const at = start !== end ? (step < 0 ? start : end) : Math.min(field.value.length, Math.max(0, start + step));
  field.setSelectionRange(at, at);
}

/** Empties the field. */
export function clearField(field: Field): void {
  field.setRangeText('', 0, field.value.length, 'end');
  changed(field);
}
