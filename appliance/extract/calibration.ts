import { FIELD_KEYS, type FieldKey } from './fields.js';
import type { Agreement } from './cross-checks.js';
import { CALIBRATION_MODEL } from './calibration-model.js';
import { NO_LIST_EVIDENCE, type ListEvidence } from './recipient-evidence.js';

// Confidence as a probability that the field is right, learned from data instead of hand-set
// thresholds. For each field the extractor gives evidence: its raw score (OCR confidence of the
// words, lowered by the form checks of extract-fields.ts), the page's mean word confidence, the
// cross-checks with other fields (cross-checks.ts), whether the value is a form of its closed
// vocabulary (vocabulary-checks.ts) and the share of its words the lexicon does not
// know. A logistic model per field (its weights pulled toward weights shared by all fields, so that
// a field with few errors in the fitting data borrows from the others) turns them into P(right); a field is flagged for the clerk when P(right) is under the model's one
// target. A field that failed a form check (a doubt) is flagged whatever the model says: the
// fitting documents cannot hold every kind of failure. The model is fitted on generated documents by tests/fixtures/extract/fit-calibration.mjs
// (never on the evaluation sets) and written to calibration-model.ts.

export interface FieldEvidence {
  /** Raw score 0..1: the OCR confidence of the field's words, lowered by the form checks. */
  raw: number;
  /** A form check failed (extract-fields.ts): flagged whatever the model says. */
  doubt: boolean;
  /** Cross-check with the other fields. */
  agreement: Agreement;
  /** The value is a form of its field's closed vocabulary (+1), is not (−1), or there is none (0) (vocabulary-checks.ts). */
  vocabulary?: Agreement;
  /** Share of the value's words unknown to the lexicon (0..1; 0 for fields that are not text). */
  unknown: number;
  /**
   * The lowest posterior of the value's words that the syllable model chose between the OCR's
   * alternative spellings (syllable-choice.ts); 1 (or absent) when no word was in doubt.
   */
  choice?: number;
  /** For the recipient list: how well its rows read as items and fit the list's line grid (recipient-evidence.ts). */
  list?: ListEvidence | undefined;
  /** Words of the value whose neighbours favour another spelling of the same letters (cross-checks.ts rivalWords; capped at 3, 0 for fields that are not running words). */
  rivals?: number;
}

/** Weights of one field's logistic model. */
export interface FieldWeights { bias: number; slope: number; quality: number; agree: number; disagree: number; unknown: number; choice?: number;
  /** Weights of the list evidence (0 or absent for fields that are not lists). */
  badRows?: number; badItems?: number; undashed?: number; grid?: number; minWord?: number; minCode?: number;
  /** Weight of the words whose neighbours favour another spelling (0 or absent: not used). */
  rivals?: number;
  /** Weights of the vocabulary check: in (+1) and out (−1) (0 or absent: not used). */
  inVocabulary?: number; offVocabulary?: number }

export interface CalibrationModel {
  /** Flag a field when its probability of being right is below this (or its own target). */
  target: number;
  /**
   * Per field, the lowest probability that kept that field's confident-but-wrong under the bound
   * on the fitting documents (the same rule as `target`, applied field by field): a field whose
   * model ranks its right values above its wrong ones but on another scale (the recipient list)
   * is not held to the scale of the others.
   */
  targets?: Partial<Record<FieldKey, number>>;
  fields: Record<FieldKey, FieldWeights>;
  /** Where the model came from (sets, documents, fields), for the record. */
  fittedOn: string;
}

/** Posterior under which a chosen spelling had a close runner-up (at least half as likely). */
export const CLOSE_CHOICE = 2 / 3;

const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x));
/** Log-odds of a score, bounded so that 0 and 1 stay finite. */
export const logit = (p: number): number => { const q = clamp(p, 0.005, 0.995); return Math.log(q / (1 - q)); };
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The model's inputs for one field, in the order of the fit script's weight vector. */
export function features(e: FieldEvidence, quality: number): { z: number; quality: number; agree: number; disagree: number; unknown: number; choice: number;
  badRows: number; badItems: number; undashed: number; grid: number; minWord: number; minCode: number; rivals: number; inVocabulary: number; offVocabulary: number } {
  const l = e.list ?? NO_LIST_EVIDENCE;
  // the choice (and the list's least sure word) enter as log-odds below a sure one's: 0 when sure, negative otherwise
  const below = (p: number): number => (p >= 0.995 ? 0 : logit(p) - logit(0.995));
  return { z: logit(e.raw), quality: logit(quality), agree: e.agreement === 1 ? 1 : 0, disagree: e.agreement === -1 ? 1 : 0, unknown: e.unknown,
    choice: below(e.choice ?? 1), badRows: l.badRows, badItems: l.badItems, undashed: l.undashed, grid: l.gridMismatch, minWord: below(l.minWord), minCode: below(l.minCode ?? 1),
    rivals: e.rivals ?? 0, inVocabulary: e.vocabulary === 1 ? 1 : 0, offVocabulary: e.vocabulary === -1 ? 1 : 0 };
}

/** P(field right | evidence). */
export function probabilityRight(k: FieldKey, e: FieldEvidence, quality: number, model: CalibrationModel = CALIBRATION_MODEL): number {
  const x = features(e, quality);
  const w = model.fields[k];
  return sigmoid(w.bias + w.slope * x.z + w.quality * x.quality + w.agree * x.agree + w.disagree * x.disagree + w.unknown * x.unknown + (w.choice ?? 0) * x.choice
    + (w.badRows ?? 0) * x.badRows + (w.badItems ?? 0) * x.badItems + (w.undashed ?? 0) * x.undashed + (w.grid ?? 0) * x.grid + (w.minWord ?? 0) * x.minWord + (w.minCode ?? 0) * x.minCode + (w.rivals ?? 0) * x.rivals
    + (w.inVocabulary ?? 0) * x.inVocabulary + (w.offVocabulary ?? 0) * x.offVocabulary);
}

/** The flag target of a field: its own when the fit gave one, else the model's one target. */
export const targetOf = (m: CalibrationModel, k: FieldKey): number => m.targets?.[k] ?? m.target;

/**
 * Below this raw score the read is outside what the fitting documents hold (their fields are read
 * surer): the model cannot vouch for it, whatever else agrees ("TRUNG TÂM …" read at 40 %).
 */
const LOW_READ = 0.5;

/**
 * A field flagged whatever the model says: a form check failed, a close spelling choice, a read too
 * poor to judge. (A close choice that made the value a form of its closed vocabulary — a title, a
 * known agency with its province — is settled by the list: the five such values of rounds P–Q
 * (120 documents) were all right, and the model still weighs the choice.)
 */
export const isDoubted = (e: FieldEvidence): boolean => e.doubt || ((e.choice ?? 1) < CLOSE_CHOICE && e.vocabulary !== 1) || (e.raw > 0 && e.raw < LOW_READ);

/** Calibrated confidences and the fields to flag. */
export function calibrate(evidence: Record<FieldKey, FieldEvidence>, quality: number, model: CalibrationModel = CALIBRATION_MODEL):
{ confidence: Record<FieldKey, number>; flagged: FieldKey[] } {
  const confidence = Object.fromEntries(FIELD_KEYS.map((k) => {
    const p = probabilityRight(k, evidence[k], quality, model);
    // a doubted field is never shown surer than its raw score, nor above the flag target
    const doubt = isDoubted(evidence[k]);
    return [k, doubt ? Math.min(p, evidence[k].raw, evidence[k].choice ?? 1, targetOf(model, k) * 0.999) : p];
  })) as Record<FieldKey, number>;
  // a spelling chosen between two close ones (the runner-up at least half as likely) is a doubt
  // whatever else the model says: no fitting set holds every such pair of names or words
  return { confidence, flagged: FIELD_KEYS.filter((k) => isDoubted(evidence[k]) || confidence[k] < targetOf(model, k)) };
}
