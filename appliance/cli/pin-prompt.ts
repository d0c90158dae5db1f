// The PIN of the agency token, typed by a person on the terminal: never echoed, stored or logged.

/** Reads the PIN on the terminal without echo. */
export async function promptPin(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new Error('no PIN: set SOHOA_TOKEN_PIN or run on a terminal');
  process.stderr.write('Mã PIN của thiết bị ký số: ');
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let pin = '';
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(undefined);
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f') pin = pin.slice(0, -1);
        else pin += ch;
      }
    };
    const done = (err: Error | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(pin);
    };
    stdin.on('data', onData);
  });
}
