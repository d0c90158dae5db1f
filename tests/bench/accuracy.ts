import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DEV_CORPUS, SHARED_DIR, projectPath } from '../../appliance/config/paths.js';
import { argValue } from './rss-sampler.js';

// Field accuracy and calibration on a corpus, the way the issue measures them: the real CLI
// (`sohoa extract --batch`) writes DOC/fields.json for every document, the project's scorer
// (shared/tools/score.mjs --json) gives the per-field figures, and calibration is counted with the
// scorer's own comparison: of the fields NOT flagged for the clerk, how many are right (target
// ≥ 99.5 %), and how many fields were flagged.
//   node dist/tests/bench/index.js accuracy [--corpus=DIR] [--scorer=score.mjs] [--out=DIR]
// --out keeps the predictions (else a temporary folder, removed).

const exec = promisify(execFile);

/** The per-field targets (fraction right); fields not named count only in `overall`. */
const TARGETS: Record<string, number> = {
  overall: 0.97, numberNotation: 0.99, number: 0.99, date: 0.99, type: 0.99,
  issuer: 0.97, signer: 0.97, signerTitle: 0.97, place: 0.97, summary: 0.93, recipients: 0.9, urgency: 0.98,
};

interface ScoreJson {
  documents: number;
  fields: Record<string, { correct: number; total: number; accuracy: number }>;
  overall: { correct: number; total: number; accuracy: number };
  secrecy: { marked: number; missed: number; unmarked: number; falseAlarms: number };
}
interface Scorer { FIELDS: string[]; fieldEqual(field: string, truth: unknown, pred: unknown): boolean }
interface Prediction { flagged?: string[]; confidence?: Record<string, number>; [k: string]: unknown }

export async function run(args: string[]): Promise<void> {
  const corpus = resolve(argValue(args, 'corpus') ?? DEV_CORPUS);
  const scorerPath = resolve(argValue(args, 'scorer') ?? join(SHARED_DIR, 'tools', 'score.mjs'));
  if (!existsSync(corpus)) throw new Error(`bench accuracy: no corpus at ${corpus} (--corpus=DIR or SOHOA_SHARED)`);
  if (!existsSync(scorerPath)) throw new Error(`bench accuracy: no scorer at ${scorerPath} (--scorer=PATH)`);
  const keep = argValue(args, 'out');
  const out = keep ? resolve(keep) : await mkdtemp(join(tmpdir(), 'sohoa-bench-accuracy-'));
  try {
    const load0 = loadavg()[0]!;
    const t0 = performance.now();
    await exec(process.execPath, [projectPath('bin', 'sohoa.js'), 'extract', '--batch', corpus, '--out', out], { maxBuffer: 64 << 20 });
    const seconds = (performance.now() - t0) / 1000;
    const score = JSON.parse((await exec(process.execPath, [scorerPath, '--truth', corpus, '--pred', out, '--json'], { maxBuffer: 64 << 20 })).stdout) as ScoreJson;

    const { FIELDS, fieldEqual } = await import(pathToFileURL(scorerPath).href) as Scorer;
    let unflagged = 0; let unflaggedRight = 0; let flagged = 0; let flaggedRight = 0;
    const wrongUnflagged: string[] = [];
    for (const d of readdirSync(corpus).filter((x) => existsSync(join(corpus, x, 'truth.json'))).sort()) {
      const truth = JSON.parse(readFileSync(join(corpus, d, 'truth.json'), 'utf8')) as Record<string, unknown>;
      const f = join(out, d, 'fields.json');
      if (!existsSync(f)) continue; // counted wrong on every field by the scorer already
      const pred = JSON.parse(readFileSync(f, 'utf8')) as Prediction;
      for (const k of FIELDS) {
        const right = fieldEqual(k, truth[k], pred[k]);
        if ((pred.flagged ?? []).includes(k)) { flagged++; if (right) flaggedRight++; continue; }
        unflagged++;
        if (right) unflaggedRight++;
        else wrongUnflagged.push(`${d} ${k}: ${JSON.stringify(pred[k])} (truth ${JSON.stringify(truth[k])}, confidence ${pred.confidence?.[k]})`);
      }
    }
    const r4 = (x: number): number => Math.round(x * 10000) / 10000;
    const accuracy = Object.fromEntries(Object.entries(score.fields).map(([k, v]) => [k, r4(v.accuracy)]));
    const unmet = Object.entries(TARGETS).filter(([k, t]) => (k === 'overall' ? score.overall.accuracy : score.fields[k]?.accuracy ?? 0) < t).map(([k]) => k);
    const s = score.secrecy;
    if (s.missed > 0 || s.falseAlarms > 0.02 * Math.max(1, s.unmarked)) unmet.push('confidentiality');
    if (unflagged > 0 && unflaggedRight / unflagged < 0.995) unmet.push('calibration');
    process.stdout.write(JSON.stringify({
      bench: 'accuracy', corpus, documents: score.documents, seconds: Math.round(seconds), secondsPerDocument: r4(seconds / score.documents),
      overall: r4(score.overall.accuracy), fields: accuracy, secrecy: s,
      calibration: {
        unflagged, unflaggedRight, unflaggedRightShare: unflagged ? r4(unflaggedRight / unflagged) : null, flagged, flaggedRight,
        wrongButUnflagged: wrongUnflagged.slice(0, 20),
      },
      targets: { ...TARGETS, confidentiality: 'no marked document missed, false alarms ≤ 2 %', calibration: 0.995 },
      unmet, loadAvg1m: [Math.round(load0 * 100) / 100, Math.round(loadavg()[0]! * 100) / 100],
      unit: 'fraction of documents right per field (score.mjs normalisation); calibration over every field of every document',
    }) + '\n');
  } finally {
    if (!keep) await rm(out, { recursive: true, force: true });
  }
}
