import { useEffect, useState } from 'preact/hooks';
import { S } from '../strings.js';
import type { InputOptions } from '../input/engine.js';
import { clearField, insert, isTextField, moveCaret, typeInto, type Field } from '../input/field-edit.js';
import { loadInputOptions, saveInputOptions } from '../input/settings.js';

// The on-screen keyboard of the touchscreen: it appears when a text field gets focus and types
// into that field as a real keyboard would (the field's own input handler sees every change).
// Vietnamese is typed in Telex or VNI (ui/src/input: "Vieetj" → "Việt", tone placed by the rules,
// old or new style), with the punctuation of administrative texts, caps lock for agency names,
// caret keys and "clear field". Keys never take the focus away from the field, and the field is
// kept in view above the keyboard. A physical keyboard is left alone: its keys and its own input
// method's composition go straight to the field.

const ROWS: string[][] = [
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '–', '/'],
  ['q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '(', ')', '&'],
  ['a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ':', ';', '"'],
  ['z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '?', '!', "'"],
];

/** The method key cycles Telex → VNI → off (plain letters, for addresses and codes) → Telex. */
const NEXT_METHOD: Record<InputOptions['method'], InputOptions['method']> = { telex: 'vni', vni: 'off', off: 'telex' };

/** Keeps the field visible in the space the keyboard leaves (after the layout has shrunk). */
function keepInView(field: Field): void {
  requestAnimationFrame(() => field.scrollIntoView({ block: 'nearest' }));
}

export function TouchKeyboard() {
  const [field, setField] = useState<Field | null>(null);
  const [shift, setShift] = useState(false);
  const [caps, setCaps] = useState(false);
  const [options, setOptions] = useState<InputOptions>(loadInputOptions);

  useEffect(() => {
    const onFocus = (e: FocusEvent) => {
      const el = e.target as Element | null;
      if (isTextField(el)) {
        setField(el);
        keepInView(el);
      }
    };
    // A press that takes the focus off a field (a tap on another document, a button) must land where
    // it was aimed: hiding the keyboard re-lays the screen out, so while a pointer is down it waits
    // for the release (and the click that follows it) instead of moving things under the finger.
    let pressed = false;
    let hideAfterPress = false;
    const hideUnlessTyping = () => { if (!isTextField(document.activeElement)) setField(null); };
    const onPress = () => { pressed = true; };
    const onRelease = () => {
      pressed = false;
      if (hideAfterPress) {
        hideAfterPress = false;
        setTimeout(hideUnlessTyping, 0);
      }
    };
    const onBlur = () => setTimeout(() => { if (pressed) hideAfterPress = true; else hideUnlessTyping(); }, 0);
    const listeners: [string, EventListener][] = [
      ['focusin', onFocus as EventListener], ['focusout', onBlur],
      ['pointerdown', onPress], ['pointerup', onRelease], ['pointercancel', onRelease],
    ];
    for (const [name, fn] of listeners) document.addEventListener(name, fn, true);
    return () => { for (const [name, fn] of listeners) document.removeEventListener(name, fn, true); };
  }, []);

  if (!field) return null;
  const change = (o: InputOptions) => {
    setOptions(o);
    saveInputOptions(o);
  };
  // id: data-key, for tests and styles; aria: the spoken name of a key whose face is a symbol.
  const key = (label: string, action: () => void, cls = '', id = label, aria?: string, pressed?: boolean) => (
    <button type="button" class={`key ${cls}`} key={id} aria-label={aria} aria-pressed={pressed}
      data-key={id} onMouseDown={(e) => e.preventDefault()}
      onClick={() => { action(); keepInView(field); }}>{label}</button>
  );
  const upper = caps !== shift;
  const letter = (k: string) => {
    const ch = upper ? k.toLocaleUpperCase('vi') : k;
    return key(ch, () => { typeInto(field, ch, options); setShift(false); }, /[a-z]/.test(k) ? '' : 'key-punct', k);
  };
  const K = S.keyboard;

  return (
    <div class="keyboard" data-testid="keyboard" role="group" aria-label={K.label}>
      {ROWS.map((row, i) => (
        <div class="key-row" key={i}>
          {i === 2 && key(K.capsLock, () => setCaps((c) => !c), `key-wide ${caps ? 'key-on' : ''}`, 'caps', K.names.caps, caps)}
          {i === 3 && key('⇧', () => setShift((s) => !s), `key-wide ${shift ? 'key-on' : ''}`, 'shift', K.names.shift, shift)}
          {row.map(letter)}
          {i === 0 && key('⌫', () => insert(field, '', 1), 'key-wide', 'backspace', K.names.backspace)}
        </div>
      ))}
      <div class="key-row">
        {key(K.methods[options.method], () => change({ ...options, method: NEXT_METHOD[options.method] }),
          'key-wide key-setting', 'method', K.names.method(K.methods[options.method]))}
        {key(options.toneStyle === 'old' ? 'hòa' : 'hoà', () => change({ ...options, toneStyle: options.toneStyle === 'old' ? 'new' : 'old' }),
          'key-wide key-setting', 'tone-style', K.names.toneStyle(options.toneStyle === 'old' ? 'hòa' : 'hoà'))}
        {key('%', () => insert(field, '%'), 'key-punct')}
        {key('…', () => insert(field, '…'), 'key-punct')}
        {key('◀', () => moveCaret(field, -1), 'key-wide', 'left', K.names.left)}
        {key(K.space, () => insert(field, ' '), 'key-space', 'space')}
        {key('▶', () => moveCaret(field, 1), 'key-wide', 'right', K.names.right)}
        {/* no line break for the one-line textareas of the form (they only grow to show a long value) */}
        {field instanceof HTMLTextAreaElement && field.dataset.oneLine === undefined && key('↵', () => insert(field, '\n'), 'key-wide', 'enter', K.names.enter)}
        {key(K.clear, () => clearField(field), 'key-wide key-clear', 'clear')}
        {key(K.hide, () => field.blur(), 'key-wide key-hide', 'hide')}
      </div>
    </div>
  );
}
