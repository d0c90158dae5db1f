import { checkAccounts } from './accounts.js';
import { dataDirOf, readCurrent, writeAll, type Written } from './config-file.js';
import { runSelftest, type SelftestReport } from './run-selftest.js';
import { STEPS, type Prompter, type StepContext } from './steps.js';
import { ProvisionError, STEP_NAMES, STEP_TITLES, type ConfigJson, type StepName, type StepOutcome } from './types.js';

// `sohoa provision` as a sequence: every step asked for is answered and checked live (on a
// terminal a failed step can be retried at once), then — only when all passed — the files are
// written together and the selftest runs on the result.

export interface ProvisionRun {
  configFile: string;
  steps: readonly StepName[];
  answers: ConfigJson;
  prompt?: Prompter;
  selftest: boolean;
  /** A line for the technician (stdout). */
  say: (line: string) => void;
}

export interface ProvisionResult {
  ok: boolean;
  outcomes: StepOutcome[];
  failures: ProvisionError[];
  written?: Written;
  selftest?: SelftestReport;
}

export async function provision(run: ProvisionRun): Promise<ProvisionResult> {
  const current = readCurrent(run.configFile);
  const outcomes: StepOutcome[] = [];
  const failures: ProvisionError[] = [];
  const ctx: StepContext = {
    configFile: run.configFile, current, answers: run.answers, prompt: run.prompt,
    dataDir: () => {
      const chosen = outcomes.find((o) => o.settings.dataDir !== undefined)?.settings.dataDir;
      return typeof chosen === 'string' ? chosen : dataDirOf(current);
    },
  };
  for (const name of run.steps) {
    run.say(`\n== ${STEP_TITLES[name]} (${name}) ==`);
    for (;;) {
      try {
        const o = await STEPS[name](ctx);
        outcomes.push(o);
        for (const line of o.shown) run.say(`  ✓ ${line}`);
        for (const w of o.warnings) run.say(`  ⚠ ${w}`);
        break;
      } catch (err) {
        if (!(err instanceof ProvisionError)) throw err;
        run.say(`  ✗ ${err.vi}`);
        if (run.prompt && !/^k/i.test((await run.prompt.ask('Làm lại bước này? (c/k)', 'c')).trim())) continue;
        failures.push(err);
        break;
      }
    }
  }
  // The accounts are checked again against the data folder the agency step may have changed.
  if (!failures.length && run.steps.includes('agency') && !run.steps.includes('accounts') && outcomes.some((o) => o.settings.dataDir !== undefined)) {
    await checkAccounts(ctx.dataDir(), []).catch((e: unknown) => { if (e instanceof ProvisionError) failures.push(e); else throw e; });
  }
  if (failures.length) {
    run.say(`\nKhông ghi gì: ${failures.length} bước chưa đạt (${failures.map((f) => STEP_TITLES[f.step as StepName]).join(', ')}).`);
    return { ok: false, outcomes, failures };
  }
  const written = await writeAll(run.configFile, current, outcomes, { allParts: STEP_NAMES.every((n) => run.steps.includes(n)) });
  if (!written.files.length) {
    run.say('\nKhông ghi gì: cấu hình mới chưa hợp lệ:');
    for (const p of written.problems) run.say(`  - ${p.message}`);
    return { ok: false, outcomes, failures, written };
  }
  run.say('\nĐã ghi:');
  for (const f of written.files) run.say(`  ${f}`);
  for (const a of written.accounts) run.say(`  tài khoản "${a}"`);
  for (const w of written.warnings) run.say(`  ⚠ ${w.message}`);
  if (written.problems.length) {
    run.say(`Cấu hình đã ghi còn ${written.problems.length} lỗi (xem: sohoa config check ${run.configFile}):`);
    for (const p of written.problems) run.say(`  - ${p.message}`);
    return { ok: false, outcomes, failures, written };
  }
  run.say(`Cấu hình hợp lệ (sohoa config check ${run.configFile}).`);
  if (!run.selftest) return { ok: true, outcomes, failures, written };
  run.say('\n== Tự kiểm tra (sohoa selftest) ==');
  const selftest = await runSelftest(run.configFile, { interactive: !!run.prompt });
  for (const s of selftest.steps) run.say(`  ${s.ok ? '✓' : '✗'} ${s.name} (${s.ms} ms): ${s.detail}`);
  run.say(selftest.ok ? 'Tự kiểm tra đạt: máy sẵn sàng.' : 'Tự kiểm tra CHƯA ĐẠT: xem lý do ở trên, sửa rồi chạy lại "sohoa provision --step …".');
  return { ok: selftest.ok, outcomes, failures, written, selftest };
}
