import { useEffect, useState } from 'preact/hooks';
import { S } from '../strings.js';

// An on-screen keyboard for the touchscreen, with Vietnamese letters and tone keys: it appears when
// a text field gets focus and types into that field as a real keyboard would (the field's own
// input handler sees every change). A tone key puts the tone on the vowel just before the cursor:
// type "a", then "sắc" → "á". Keys never take the focus away from the field.

type Field = HTMLInputElement | HTMLTextAreaElement;

const ROWS = [
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'],
  ['q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p'],
  ['a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'đ'],
  ['z', 'x', 'c', 'v', 'b', 'n', 'm', 'ă', 'â', 'ê'],
  ['ô', 'ơ', 'ư', ',', '.', '/', '-', ':', ';', '('],
];

/** Tone name → combining mark. */
const TONES: [string, string][] = [
  [S.keyboard.tones.sac, '\u0301'], [S.keyboard.tones.huyen, '\u0300'], [S.keyboard.tones.hoi, '\u0309'],
  [S.keyboard.tones.nga, '\u0303'], [S.keyboard.tones.nang, '\u0323'],
];
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const VOWEL = /^[aeiouy]$/i;

function isTextField(el: Element | null): el is Field {
  if (el instanceof HTMLTextAreaElement) return !el.disabled && !el.readOnly;
  return el instanceof HTMLInputElement && !el.disabled && !el.readOnly && ['text', 'search', ''].includes(el.type);
}

/** Replaces the selection (or the `back` characters before the caret) and tells the field's handlers. */
function edit(field: Field, text: string, back = 0): void {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.setRangeText(text, start === end ? Math.max(0, start - back) : start, end, 'end');
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Puts (or changes) the tone of the vowel just before the caret. */
export function applyTone(field: Field, mark: string): void {
  const caret = field.selectionStart ?? field.value.length;
  if (caret !== (field.selectionEnd ?? caret)) return;
  // The last letter with its combining marks, whether the text is stored composed or not.
  const last = /[^\u0300-\u036f][\u0300-\u036f]*$/.exec(field.value.slice(0, caret))?.[0];
  if (!last) return;
  const base = last.normalize('NFD').replace(TONE_MARKS, '');
  if (!VOWEL.test(base.charAt(0))) return;
  edit(field, (base + mark).normalize('NFC'), last.length);
}

export function TouchKeyboard() {
  const [field, setField] = useState<Field | null>(null);
  const [shift, setShift] = useState(false);

  useEffect(() => {
    const onFocus = (e: FocusEvent) => {
      const el = e.target as Element | null;
      if (isTextField(el)) {
        setField(el);
        // Let the layout shrink first, then keep the field in view above the keyboard.
        requestAnimationFrame(() => el.scrollIntoView({ block: 'nearest' }));
      }
    };
    const onBlur = () => setTimeout(() => { if (!isTextField(document.activeElement)) setField(null); }, 0);
    document.addEventListener('focusin', onFocus);
    document.addEventListener('focusout', onBlur);
    return () => {
      document.removeEventListener('focusin', onFocus);
      document.removeEventListener('focusout', onBlur);
    };
  }, []);

  if (!field) return null;
  const key = (label: string, action: () => void, cls = '') => (
    <button type="button" class={`key ${cls}`} key={label}
      onMouseDown={(e) => e.preventDefault()} onClick={action}>{label}</button>
  );
  const letter = (k: string) => {
    const ch = shift ? k.toLocaleUpperCase('vi') : k;
    return key(ch, () => { edit(field, ch); setShift(false); });
  };

  return (
    <div class="keyboard" data-testid="keyboard">
      {ROWS.map((row, i) => <div class="key-row" key={i}>{row.map(letter)}</div>)}
      <div class="key-row">
        {key('⇧', () => setShift((s) => !s), shift ? 'key-on key-wide' : 'key-wide')}
        {TONES.map(([name, mark]) => key(name, () => applyTone(field, mark), 'key-tone'))}
        {key(S.keyboard.space, () => edit(field, ' '), 'key-space')}
        {field instanceof HTMLTextAreaElement && key('↵', () => edit(field, '\n'), 'key-wide')}
        {key('⌫', () => edit(field, '', 1), 'key-wide')}
        {key(S.keyboard.hide, () => field.blur(), 'key-wide key-hide')}
      </div>
    </div>
  );
}
