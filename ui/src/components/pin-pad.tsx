import { useState } from 'preact/hooks';
import { S } from '../strings.js';

// A big on-screen number pad. The PIN lives only here until the person touches the submit button;
// it is handed over once and cleared at once, never kept or re-sent.

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

interface Props {
  /** What the display says while empty. */
  label: string;
  submitLabel: string;
  /** Shown in the display while the PIN is being checked. */
  busyText: string;
  busy: boolean;
  disabled: boolean;
  minLength: number;
  maxLength: number;
  testId: string;
  /** Any key touched (e.g. to clear an old error). */
  onType?: () => void;
  onSubmit: (pin: string) => void;
}

export function PinPad({ label, submitLabel, busyText, busy, disabled, minLength, maxLength, testId, onType, onSubmit }: Props) {
  const [pin, setPin] = useState('');
  const canType = !disabled && !busy;
  const press = (k: string) => {
    onType?.();
    setPin((p) => (p.length < maxLength ? p + k : p));
  };
  const submit = () => {
    const typed = pin;
    setPin('');
    onSubmit(typed);
  };
  return (
    <div class="pinpad" aria-disabled={!canType}>
      <div class="pin-display" data-testid={testId} aria-label={label}>
        {busy ? busyText : pin ? '●'.repeat(pin.length) : label}
      </div>
      <div class="pin-keys">
        {KEYS.map((k) => <button class="btn pin-key" key={k} disabled={!canType} onClick={() => press(k)}>{k}</button>)}
        <button class="btn pin-key" disabled={!canType} onClick={() => setPin('')}>{S.token.clear}</button>
        <button class="btn pin-key" disabled={!canType} onClick={() => press('0')}>0</button>
        <button class="btn pin-key" disabled={!canType} onClick={() => setPin((p) => p.slice(0, -1))}>{S.token.back}</button>
      </div>
      <button class="btn btn-primary btn-wide" data-testid={`${testId}-submit`} disabled={!canType || pin.length < minLength} onClick={submit}>
        {submitLabel}
      </button>
    </div>
  );
}
