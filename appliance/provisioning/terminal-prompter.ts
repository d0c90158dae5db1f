import { createInterface } from 'node:readline/promises';
import { promptPin } from '../cli/pin-prompt.js';
import type { Prompter } from './steps.js';

// The questions of `sohoa provision` on a terminal: Vietnamese, the current value in brackets
// (Enter keeps it), PINs and credentials without echo. One readline per question, so the raw-mode
// secret prompt never competes with it for stdin.

export function terminalPrompter(): Prompter {
  return {
    async ask(question, def = '') {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const a = await rl.question(`${question}${def ? ` [${def}]` : ''}: `);
        return a.trim() === '' ? def : a.trim();
      } finally {
        rl.close();
      }
    },
    secret: (question) => promptPin(question, 'SOHOA_PROVISION_ANSWERS'),
    say: (line) => process.stdout.write(line + '\n'),
  };
}
