import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Prompter } from './steps.js';

// The questions of `sohoa provision` on a terminal: Vietnamese, the current value in brackets
// (Enter keeps it), PINs and credentials without echo. One readline for the whole run, so no
// typed-ahead line is lost between questions; a secret is asked on it with its echo muted.

export function terminalPrompter(): Prompter & { close(): void } {
  let rl: Interface | undefined;
  let muted = false;
  // What readline echoes goes through this stream: while a secret is typed, nothing but line ends.
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString('utf8');
      process.stderr.write(muted ? text.replace(/[^\n]/g, '') : text);
      done();
    },
  });
  const open = (): Interface => {
    rl ??= createInterface({ input: process.stdin, output, terminal: true });
    return rl;
  };
  return {
    async ask(question, def = '') {
      const a = await open().question(`${question}${def ? ` [${def}]` : ''}: `);
      return a.trim() === '' ? def : a.trim();
    },
    async secret(question) {
      const r = open();
      process.stderr.write(question);
      muted = true;
      try {
        return await r.question('');
      } finally {
        muted = false;
      }
    },
    say: (line) => process.stdout.write(line + '\n'),
    close: () => { rl?.close(); rl = undefined; },
  };
}
