// USB HID foot pedals and buttons, report by report (pure: tested on reports written down in
// tests/fixtures/pedal/). Two kinds cover the pedals sold for transcription and document desks:
//
// - 'keyboard': the pedal poses as a keyboard and sends the USB HID boot keyboard report (HID 1.11
//   App. B.1): 8 bytes [modifiers, reserved, key1…key6]; pressed = a key or modifier down, released
//   = all zero. PCsensor FS2007U1SW (0c45:7403), its rebrands (1a86:e026), most "USB foot switch"
//   pedals, and programmable one-key buttons.
// - 'bits': a vendor report whose one byte carries a bit per pedal. VEC Infinity IN-USB-2
//   (05f3:00ff): 2 bytes, byte 0 = 1 left, 2 centre, 4 right.
//
// A scan starts on the press (released → pressed), never on the release or while held.

export interface PedalFormat {
  kind: 'keyboard' | 'bits';
  /** 'bits': which byte of the report (report id excluded) holds the buttons. */
  byte: number;
  /** 'bits': the bits that mean "pressed" (e.g. 2 = Infinity centre pedal). */
  mask: number;
}

/** Pure: is the pedal down in this report? Too short a report is "not pressed". */
export function pedalDown(report: ArrayLike<number>, f: PedalFormat): boolean {
  if (f.kind === 'bits') return ((report[f.byte] ?? 0) & f.mask) !== 0;
  // keyboard: modifiers (byte 0) or any of the six key slots (bytes 2–7); byte 1 is reserved
  for (let i = 0; i < Math.min(report.length, 8); i++) if (i !== 1 && report[i] !== 0) return true;
  return false;
}

/** Press detection over a stream of reports: true once per press. */
export class PedalPresses {
  private down = false;

  constructor(private readonly format: PedalFormat) {}

  /** Feeds one report; true when it is a press (was up, now down). */
  feed(report: ArrayLike<number>): boolean {
    const now = pedalDown(report, this.format);
    const pressed = now && !this.down;
    this.down = now;
    return pressed;
  }

  /** The device went away: the next report starts from "up". */
  reset(): void {
    this.down = false;
  }
}

/** Pure: a VID or PID as the technician writes it ("0c45", "0x0C45") → number; null when empty or invalid. */
export function parseUsbId(text: string): number | null {
  const t = text.trim().replace(/^0x/i, '');
  return /^[0-9a-f]{1,4}$/i.test(t) ? parseInt(t, 16) : null;
}
