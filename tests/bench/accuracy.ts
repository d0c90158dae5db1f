import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DEV_CORPUS, SHARED_DIR, projectPath } from '../../appliance/config/paths.js';
import { argValue } from './rss-sampler.js';

// Field accuracy and calibration on one or more corpora, the way issue 12 measures them: the real
// CLI (`sohoa extract --batch`) writes DOC/fields.json for every document, the project's scorer
// (shared/tools/score.mjs --json) gives the per-field figures, and the rest is counted with the
// scorer's own comparison, per corpus:
// - documents all right (every field right) and straight-through (every field right AND none flagged);
// - confident-but-wrong: fields NOT flagged for the clerk that are wrong (share of unflagged fields,
//   target ≤ 0.5 %), with the list of them;
// - full-text word error, order-free (bag of words per page against the truth's page text), overall
//   and per degradation.
//   node dist/tests/bench/index.js accuracy [--corpus=DIR[,DIR…]] [--scorer=score.mjs] [--out=DIR] [--pred=DIR]
// --out keeps the predictions (else a temporary folder, removed); --pred scores predictions already
// written there instead of running the CLI (one corpus).

const exec = promisify(execFile);

/** Issue 12's targets (fraction right); every field not named here has `field` as its floor. */
const TARGETS = { overall: 0.985, field: 0.97, recipients: 0.95, urgency: 0.99, straightThrough: 0.7, confidentWrong: 0.005, wordError: 0.015, wordErrorPerDegradation: 0.03 };

interface ScoreJson {
  documents: number;
  fields: Record<string, { correct: number; total: number; accuracy: number }>;
  overall: { correct: number; total: number; accuracy: number };
  secrecy: { marked: number; missed: number; unmarked: number; falseAlarms: number };
}
interface Scorer { FIELDS: string[]; fieldEqual(field: string, truth: unknown, pred: unknown): boolean }
interface Prediction { flagged?: string[]; confidence?: Record<string, number>; text?: string[]; [k: string]: unknown }
interface Truth { text?: string[]; variant?: { name?: string; font?: string }; [k: string]: unknown }

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

/** Words of a text for the order-free comparison: split on spaces, outer punctuation dropped, NFC. */
export function bagOfWords(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of text.normalize('NFC').split(/\s+/)) {
    const t = w.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '');
    if (t) m.set(t, (m.get(t) ?? 0) + 1);
  }
  return m;
}

/** Order-free word errors of a page: max(truth words, read words) − words in common. */
export function bagErrors(truth: string, read: string): { errors: number; words: number } {
  const t = bagOfWords(truth); const p = bagOfWords(read);
  let nt = 0; let np = 0; let common = 0;
  for (const [w, n] of t) { nt += n; common += Math.min(n, p.get(w) ?? 0); }
  for (const n of p.values()) np += n;
  return { errors: Math.max(nt, np) - common, words: nt };
}

async function scoreCorpus(corpus: string, out: string, scorerPath: string, runCli: boolean): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  // time limits: the CLI a generous minute per document under a loaded machine, the scorer two minutes
  const docCount = readdirSync(corpus).filter((d) => existsSync(join(corpus, d, 'truth.json'))).length;
  if (runCli) await exec(process.execPath, [projectPath('bin', 'sohoa.js'), 'extract', '--batch', corpus, '--out', out], { maxBuffer: 64 << 20, timeout: Math.max(10, docCount) * 60_000, killSignal: 'SIGKILL' });
  const seconds = (performance.now() - t0) / 1000;
  const score = JSON.parse((await exec(process.execPath, [scorerPath, '--truth', corpus, '--pred', out, '--json'], { maxBuffer: 64 << 20, timeout: 120_000 })).stdout) as ScoreJson;

  const { FIELDS, fieldEqual } = await import(pathToFileURL(scorerPath).href) as Scorer;
  let unflagged = 0; let flagged = 0; let flaggedRight = 0; let allRight = 0; let straight = 0; let docs = 0;
  const confidentWrong: string[] = [];
  const words = new Map<string, { errors: number; words: number }>();
  const addWords = (k: string, e: { errors: number; words: number }): void => {
    const w = words.get(k) ?? { errors: 0, words: 0 };
    words.set(k, { errors: w.errors + e.errors, words: w.words + e.words });
  };
  for (const d of readdirSync(corpus).filter((x) => existsSync(join(corpus, x, 'truth.json'))).sort()) {
    docs++;
    const truth = JSON.parse(readFileSync(join(corpus, d, 'truth.json'), 'utf8')) as Truth;
    const f = join(out, d, 'fields.json');
    if (!existsSync(f)) continue; // counted wrong on every field by the scorer already
    const pred = JSON.parse(readFileSync(f, 'utf8')) as Prediction;
    const flags = pred.flagged ?? [];
    let right = true;
    for (const k of FIELDS) {
      const ok = fieldEqual(k, truth[k], pred[k]);
      right &&= ok;
      if (flags.includes(k)) { flagged++; if (ok) flaggedRight++; continue; }
      unflagged++;
      if (!ok) confidentWrong.push(`${d} ${k}: ${JSON.stringify(pred[k])} (truth ${JSON.stringify(truth[k])}, confidence ${pred.confidence?.[k]})`);
    }
    if (right) allRight++;
    if (right && !flags.length) straight++;
    // the text: printed pages only (blank backs have "" in the truth and are dropped by the reader)
    const printed = (truth.text ?? []).filter((t) => t.trim());
    if (pred.text?.length) {
      const e = bagErrors(printed.join('\n'), pred.text.join('\n'));
      addWords('all', e);
      addWords(`${truth.variant?.name ?? '?'}`, e);
      if (truth.variant?.font) addWords(`font ${truth.variant.font}`, e);
    }
  }
  const accuracy = Object.fromEntries(Object.entries(score.fields).map(([k, v]) => [k, r4(v.accuracy)]));
  const wordError = Object.fromEntries([...words].map(([k, v]) => [k, v.words ? r4(v.errors / v.words) : null]));
  const unmet: string[] = [];
  if (score.overall.accuracy < TARGETS.overall) unmet.push('overall');
  for (const [k, v] of Object.entries(score.fields)) {
    if (k === 'confidentiality') continue;
    const t = k === 'recipients' ? TARGETS.recipients : k === 'urgency' ? TARGETS.urgency : TARGETS.field;
    if (v.accuracy < t) unmet.push(k);
  }
  const s = score.secrecy;
  if (s.missed > 0 || s.falseAlarms > 0.02 * Math.max(1, s.unmarked)) unmet.push('confidentiality');
  if (unflagged > 0 && confidentWrong.length / unflagged > TARGETS.confidentWrong) unmet.push('confidentWrong');
  if (docs && straight / docs < TARGETS.straightThrough) unmet.push('straightThrough');
  if ((wordError.all ?? 0) > TARGETS.wordError) unmet.push('wordError');
  return {
    bench: 'accuracy', corpus, documents: score.documents, seconds: Math.round(seconds), secondsPerDocument: r4(seconds / score.documents),
    overall: r4(score.overall.accuracy), fields: accuracy, secrecy: s,
    documentsAllRight: docs ? r4(allRight / docs) : null, straightThrough: docs ? r4(straight / docs) : null,
    confidentWrong: { count: confidentWrong.length, unflagged, share: unflagged ? r4(confidentWrong.length / unflagged) : null, flagged, flaggedRight, list: confidentWrong },
    wordError,
    unmet, loadAvg1m: [Math.round(load0 * 100) / 100, Math.round(loadavg()[0]! * 100) / 100],
  };
}

export async function run(args: string[]): Promise<void> {
  const corpora = (argValue(args, 'corpus') ?? DEV_CORPUS).split(',').map((c) => resolve(c));
  const scorerPath = resolve(argValue(args, 'scorer') ?? join(SHARED_DIR, 'tools', 'score.mjs'));
  for (const c of corpora) if (!existsSync(c)) throw new Error(`bench accuracy: no corpus at ${c} (--corpus=DIR or SOHOA_SHARED)`);
  if (!existsSync(scorerPath)) throw new Error(`bench accuracy: no scorer at ${scorerPath} (--scorer=PATH)`);
  const given = argValue(args, 'pred');
  const keep = argValue(args, 'out');
  const results: Array<Record<string, unknown>> = [];
  for (const [i, corpus] of corpora.entries()) {
    const out = given ? resolve(given) : keep ? resolve(corpora.length > 1 ? `${keep}-${i + 1}` : keep) : await mkdtemp(join(tmpdir(), 'sohoa-bench-accuracy-'));
    try {
      const r = await scoreCorpus(corpus, out, scorerPath, !given);
      results.push(r);
      if (corpora.length > 1) process.stdout.write(JSON.stringify(r) + '\n');
    } finally {
      if (!keep && !given) await rm(out, { recursive: true, force: true });
    }
  }
  // the last line is one JSON object (tests/bench/index.ts): one corpus as is, several side by side
  const last = results.length === 1 ? results[0]! : {
    bench: 'accuracy', corpora: results.map((r) => ({ corpus: r.corpus, overall: r.overall, straightThrough: r.straightThrough, confidentWrong: (r.confidentWrong as { count: number; share: number }).share, unmet: r.unmet })),
  };
  process.stdout.write(JSON.stringify({ ...last, targets: TARGETS, unit: 'fraction of documents right per field (score.mjs normalisation); confidentWrong = wrong among unflagged fields; wordError order-free per page' }) + '\n');
}
