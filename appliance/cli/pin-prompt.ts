// A PIN (the agency token's, a desk account's) typed by a person on the terminal: never echoed,
// stored or logged.

/** Reads a PIN on the terminal without echo; `envName` is the variable scripts use instead. */
export async function promptPin(question = 'Mã PIN của thiết bị ký số: ', envName = 'SOHOA_TOKEN_PIN'): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new Error(`no PIN: set ${envName} or run on a terminal`);
  process.stderr.write(question);
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
