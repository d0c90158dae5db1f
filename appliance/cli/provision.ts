import { parseArgs } from 'node:util';
import { configFileFrom, DEFAULT_CONFIG_FILE } from '../config/load.js';
import { ConfigFileError } from '../provisioning/config-file.js';
import { applySet, readAnswers, type Answers } from '../provisioning/answers.js';
import { provision } from '../provisioning/provision.js';
import { terminalPrompter } from '../provisioning/terminal-prompter.js';
import { STEP_NAMES, type StepName } from '../provisioning/types.js';
import { failureLine, UsageError, type Command } from './command.js';

const help = `sohoa provision — guided set-up of this device (cài đặt ban đầu)

Usage:
  sohoa provision                                   ask every step on the terminal (Vietnamese)
  sohoa provision --answers FILE.json [--set K=V]…  a fleet: every answer from the file, nothing asked
  sohoa provision --step central                    change one part; the others stay as they are
  sohoa provision --step scanner --yes --set scanner.dpi=300

Options:
  --config FILE     the configuration to write (default: SOHOA_CONFIG, else ${DEFAULT_CONFIG_FILE})
  --answers FILE    answer file (JSON, one section per step; see README "Cài đặt ban đầu")
  --set KEY=VALUE   one answer, e.g. --set central.url=https://qlvb.laocai.gov.vn (repeatable)
  --yes             ask nothing: the answers given, else the values already configured
  --step NAME       only this step (repeatable, or comma-separated): ${STEP_NAMES.join(', ')}
  --no-selftest     do not run "sohoa selftest" at the end

Steps, each checked live against the real part, with exactly what is wrong when it is not right:
  agency    agency name, identifier ("000.00.00.H41" or "H37.02.02"), data folder
  central   central system URL and this device's credential: reached (/healthz) and accepted;
            the credential goes to its own chmod-600 file (central.deviceTokenFile), never config.json
  token     PKCS#11 module, tokens present (label, serial), the certificate: validity, key usage,
            chain to the trust anchors given
  seal      seal PNG: transparency, size in mm at its dpi, red ink
  hours     office hours ("07:30", "17:00") and working days by name ("Thứ Hai" …)
  scanner   scanimage -L or a network scanner's eSCL URL; one page scanned to prove it;
            colour, 200 dpi or more (Decree 30), source adf / adf-duplex / flatbed
  accounts  the desk's accounts (at least one clerk), PIN typed twice
Nothing is written until every step asked for has passed; then the configuration is written
atomically (checked by the settings schema first), and "sohoa selftest" runs on it.
The token PIN for the selftest comes from SOHOA_TOKEN_PIN or is asked for.
Exit status 0 when everything passed (selftest included), 1 otherwise, 2 for a usage error.

Examples:
  sudo sohoa provision
  sudo sohoa provision --answers /media/usb/laocai-vp.json
  sudo sohoa provision --step central
  sudo SOHOA_TOKEN_PIN=… sohoa provision --step token --yes --set token.label=VGCA --no-selftest
`;

function stepsFrom(values: string[] | undefined): StepName[] {
  if (!values?.length) return [...STEP_NAMES];
  const names = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!STEP_NAMES.includes(n as StepName)) throw new UsageError(`unknown step "${n}" (steps: ${STEP_NAMES.join(', ')})`);
  return STEP_NAMES.filter((n) => names.includes(n));
}

const command: Command = {
  name: 'provision',
  summary: 'guided set-up: agency, central system, token, seal, office hours, scanner, accounts, then selftest',
  help,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: {
        config: { type: 'string' }, answers: { type: 'string' }, set: { type: 'string', multiple: true },
        yes: { type: 'boolean' }, step: { type: 'string', multiple: true }, 'no-selftest': { type: 'boolean' },
      } });
    } catch (err) {
      process.stderr.write(`sohoa provision: ${(err as Error).message} (see sohoa provision --help)\n`);
      return 2;
    }
    const v = parsed.values;
    try {
      const steps = stepsFrom(v.step);
      const answers: Answers = v.answers ? readAnswers(v.answers) : {};
      for (const s of v.set ?? []) applySet(answers, s);
      const interactive = !v.answers && !v.yes;
      if (interactive && !process.stdin.isTTY) throw new UsageError('no terminal to ask on: give --answers FILE.json or --yes');
      const configFile = v.config ?? (configFileFrom(process.env) || DEFAULT_CONFIG_FILE);
      const prompt = interactive ? terminalPrompter() : undefined;
      const result = await provision({
        configFile, steps, answers, selftest: !v['no-selftest'], prompt,
        say: (line) => process.stdout.write(line + '\n'),
      }).finally(() => prompt?.close());
      if (!result.ok) {
        const reasons = result.failures.map((f) => f.vi).concat(result.written?.problems.map((p) => p.message) ?? [])
          .concat(result.selftest && !result.selftest.ok ? result.selftest.steps.filter((s) => !s.ok).map((s) => `selftest ${s.name}: ${s.detail}`) : []);
        process.stderr.write(`sohoa provision: ${reasons.join(' | ')}\n`);
      }
      return result.ok ? 0 : 1;
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`sohoa provision: ${err.message} (see sohoa provision --help)\n`);
        return 2;
      }
      if (err instanceof ConfigFileError) {
        process.stderr.write(`sohoa provision: ${err.message}\n`);
        return 1;
      }
      process.stderr.write(failureLine('provision', err));
      return 1;
    }
  },
};

export default command;
