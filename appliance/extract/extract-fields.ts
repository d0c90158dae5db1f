import type { OcrPage, OcrWord } from '../ocr/ocr.js';
import { emptyFields, FIELD_KEYS, type ExtractionResult, type FieldKey, type DocumentFields } from './fields.js';
import { pageSegments, lineUnit, cx, cy, segmentOf, splitColumns, type Segment } from './layout.js';
import { fold, isCaps, repairGlyphs } from './vn-text.js';
import { parseDateLine, parseNotation, repairTypeCode, typeFromLine, typeFromNotation, marksInLine, type DateLine } from './patterns.js';
import { AgencyDirectory } from './agency-directory.js';
import { readName } from './names.js';
import { knownWord, repairText } from './vn-words.js';
import { rowText, signatureLayout } from './signature.js';
import { NO_LIST_EVIDENCE, type ListEvidence } from './recipient-evidence.js';
import { readRecipientList } from './recipient-list.js';
import { notationCodesDoubtful, repairNotationCodes } from './recipients.js';
import { cleanAuthority, isUnitHeadTitle, resolveTitle, TITLES } from './titles.js';
import { crossChecks, rivalWords, unknownShare } from './cross-checks.js';
import { vocabularyChecks } from './vocabulary-checks.js';
import { chooseAmongAlternatives, fieldPosterior } from './syllable-choice.js';
import { calibrate, type FieldEvidence } from './calibration.js';

// Field extraction from positioned OCR text, following the Decree 30 layout: header columns
// (issuer | motto + date), "Số:", the centred type and summary, then on the last page "Nơi nhận"
// bottom left and the signature block bottom right. Pure: same pages in, same fields out.

type Conf = Record<FieldKey, number>;
/**
 * Fields whose reading failed a form check (NĐ30's shape, a closed list, another field): flagged
 * whatever the calibration says, since the fitting documents cannot hold every kind of failure.
 */
const DOUBTS = new WeakMap<Conf, Set<FieldKey>>();
/** The recipient list's evidence (recipient-evidence.ts), kept beside the confidences like the doubts. */
const LISTS = new WeakMap<Conf, ListEvidence>();
function doubt(c: Conf, k: FieldKey, cap: number): void {
  c[k] = Math.min(c[k], cap);
  DOUBTS.get(c)?.add(k);
}
const segConf = (segs: Segment[]): number => (segs.length ? Math.min(...segs.map((s) => s.conf)) : 0);
const clean = (segs: Segment[]): string => repairGlyphs(segs.map((s) => s.text).join(' '));
/**
 * Running text of lines put back together: a line ending in a dash glued to its word goes on
 * without a space ("2023-" / "2028"); a dot between two lower-case words is a speck ("cộng
 * đồng.quý").
 */
export const joinText = (t: string): string => t.replace(/(\S)-\s+(?=\S)/gu, (m, a: string) => (/[\p{L}\d]/u.test(a) ? `${a}-` : m))
  .replace(/(\p{Ll}{2})\.(?=\p{Ll}{2})/gu, '$1 ');

/**
 * A summary as NĐ30 prints it: never the "Kính gửi" line that follows a công văn's V/v (read into
 * the same lines when they sit close), and no specks after its last word (a lone letter or two that
 * is no word, letters glued to digits, runs of punctuation).
 */
export function trimSummary(text: string): string {
  // (a speck before the first word read as an apostrophe or a backtick: "'Tổng kết …")
  let t = text.replace(/\s*Kính\s+gửi\s*:.*$/u, '').trim().replace(/^['`´‘’]+\s*(?=\p{L})/u, '');
  for (;;) {
    const m = /\s+(\S+)$/u.exec(t);
    if (!m) break;
    const w = m[1]!;
    const word = /^[(\p{L}\d]+(?:[-/][\p{L}\d]+)*[),.;:]?$/u.test(w);
    const glued = /\p{Ll}\d|\d\p{Ll}/u.test(w) && !/^\d+[a-zđ]?$/u.test(w);
    const speck = /^\p{Ll}$/u.test(w) && !knownWord(w);
    if (word && !glued && !speck) break;
    t = t.slice(0, m.index).trim();
  }
  // a trích yếu is a title, never a sentence: no full stop closes it (a biên bản's "… học sinh.")
  return t.replace(/(?<!\.)\.$/u, '');
}

/**
 * Whether a summary has NĐ30's shape: one noun phrase (trích yếu), no sentence ended inside it
 * ("… công nghiệp. Trân trọng kính mời: …"), no "label: value" of a body, at most ~60 words. A
 * summary read past its rule line into the body fails it (a layout failure no word checks see).
 * Nor does a word of it glue a small letter to a digit, nor hold a sign no trích yếu prints: no
 * Vietnamese word does, a misread one does ("gia1 đoạn", "hoạt động ¡n"), and the lexicon's unknown
 * share is too weak to say so in a long summary.
 */
export function summaryShape(summary: string): boolean {
  return !/[.!?]\s+\p{Lu}|:\s+\S|\p{Ll}\d|\d\p{Ll}{2}|[^\p{L}\p{M}\d\s,.;:()"'“”‘’\-–—/&%+]/u.test(summary) && summary.split(/\s+/).length <= 60
    && romanAfterCounter(summary);
}

/** A quarter or a term is numbered in Roman numerals ("quý III", "khóa XV"): capitals that are none were misread ("quý IH"). */
const romanAfterCounter = (summary: string): boolean =>
  [...summary.matchAll(/(?:^|\s)(?:quý|khóa|khoá)\s+(\p{Lu}+)(?=[\s,.;]|$)/gu)].every((m) => /^X{0,3}(?:IX|IV|V?I{0,3})$/u.test(m[1]!));

interface Page1 { segs: Segment[]; width: number; unit: number; /** mean word confidence 0..1 */ quality: number }

/** Marks no agency name holds ("MÔI__", "PHÁT ˆ", a lone "_"): underline and seal debris in the header. */
export function capsDebrisOut(line: string): string {
  return line.split(' ').map((w) => w.replace(/^[_^ˆ~`'"|°•*]+|[_^ˆ~`'"|°•*]+$/gu, ''))
    .filter((w) => /[\p{L}\d]/u.test(w) || /^[-–&]$/.test(w)).join(' ').trim();
}

/** Whether a digit of the segment has a runner-up at least half as likely (tesseract's symbol choices). */
function closeDigit(s: Segment): boolean {
  return s.words.some((w) => w.choices?.some(([best, ...rest]) => best && /^\d$/.test(best.text) && rest.some((r) => /^\d$/.test(r.text) && r.confidence >= best.confidence * 0.5)));
}

/**
 * The date line of the right column: the first that reads as one ("Hà Nội, ngày 05 tháng 01 năm
 * 2020"), with its year taken from the line under it when a long place pushed the year there.
 */
function dateLineOf(right: Segment[], unit: number, today: Date): { parsed: DateLine; conf: number; top: number; bottom: number } | null {
  for (const [i, s] of right.entries()) {
    const whole = parseDateLine(s.text, today);
    if (whole) return { parsed: whole, conf: s.conf, top: s.bbox.y0, bottom: s.bbox.y1 };
    if (!/NGA[YV]\s*\S{1,2}\s*THANG\s*\S{1,2}\s*NAM$/.test(fold(s.text).trim())) continue;
    const year = right.slice(i + 1).find((n) => n.bbox.y0 > cy(s.bbox) && n.bbox.y0 < s.bbox.y1 + unit && /^[0-9OIL]{4}$/.test(fold(n.text).replace(/[.,]$/, '')));
    const parsed = year && parseDateLine(`${s.text} ${year.text}`, today);
    if (parsed) return { parsed, conf: Math.min(s.conf, year.conf), top: s.bbox.y0, bottom: year.bbox.y1 };
  }
  return null;
}

/**
 * The "Số:" segment with the rest of a long notation wrapped under it: a notation that ends on
 * "-" or "/" goes on at the first word of the line right below ("1229/VPĐĐBQH&HĐND-" | "KHTC").
 */
function withWrappedNotation(segs: Segment[], numberSeg: Segment, unit: number): Segment {
  if (!/[-/]$/u.test(numberSeg.text.trim())) return numberSeg;
  const next = segs.find((s) => s !== numberSeg && s.bbox.y0 > numberSeg.bbox.y1 - unit * 0.3 && s.bbox.y0 < numberSeg.bbox.y1 + unit * 1.2
    && s.bbox.x0 < numberSeg.bbox.x1 && s.bbox.x1 > numberSeg.bbox.x0);
  const word = next?.words[0];
  return word && /^[\p{Lu}\d&-]+$/u.test(word.text) ? segmentOf([...numberSeg.words, word]) : numberSeg;
}

function headerFields(p: Page1, f: DocumentFields, c: Conf, dir: AgencyDirectory, today: Date): { headerBottom: number; numberSeg?: Segment } {
  const { segs, width, unit } = p;
  const isLeft = (s: Segment): boolean => cx(s.bbox) < width * 0.47;
  const dateLine = dateLineOf(segs.filter((s) => !isLeft(s)), unit, today);
  const numberIdx = segs.findIndex((s) => isLeft(s) && /^S[OỐÔ0]\s*[:;.]/.test(fold(s.text)));
  const numberSeg = numberIdx >= 0 ? withWrappedNotation(segs, segs[numberIdx]!, unit) : undefined;

  if (dateLine) {
    const { parsed: d, conf } = dateLine;
    f.place = d.place;
    f.date = d.date;
    c.place = conf; c.date = conf;
    if (!d.valid) doubt(c, 'date', conf * 0.5);
    // NĐ30 prints the place as a name, each word capitalised ("Hữu Lũng", "TP. Hồ Chí Minh"): a
    // place in capitals or with a lower-case word is not the date line's place but another line
    // read as one (a notation "…/BTTTT" beside a body date): both in doubt. A city's or town's
    // place may be spelt with its kind ("Thành phố Hồ Chí Minh", "Thị xã Sơn Tây")
    if (!/^(TP\.\s*|(?:Thành phố|Thị xã|Thị trấn)\s+)?\p{Lu}\p{Ll}*(?:[\s-]+\p{Lu}[\p{Ll}']*)*$/u.test(d.place)) { doubt(c, 'place', conf * 0.5); doubt(c, 'date', conf * 0.5); }
  }
  // the agency lines: left column, above "Số:" (or the date line), below the page top
  // without the national motto, a "Số:" or a date line this is not a Decree 30 document: no header
  const motto = segs.some((s) => /CONG HOA XA HOI|DOC LAP - TU DO/.test(fold(s.text)));
  const limitY = numberSeg?.bbox.y0 ?? dateLine?.top ?? (motto ? Infinity : -Infinity);
  const agencyLines = segs.filter((s) => isLeft(s) && s.bbox.y1 <= limitY + unit * 0.3 && s.bbox.y0 < limitY && isCaps(s.text) && !marksInLine(s.text));
  // pieces of one printed line (a skewed scan splits "ĐỒNG THÁP"): one row, left to right
  const rows: Segment[][] = [];
  for (const s of agencyLines) {
    const row = rows.find((r) => Math.abs(cy(r[0]!.bbox) - cy(s.bbox)) < unit * 0.5);
    if (row) row.push(s); else rows.push([s]);
  }
  // (a token of two letters or fewer that tesseract itself gave under 10 % is a speck: "THỦ THỪA NC@0")
  const speck = (w: OcrWord): boolean => w.confidence < 10 && w.text.replace(/[^\p{L}]/gu, '').length <= 2;
  const rowLines = rows.map((r) => r.sort((a, b) => a.bbox.x0 - b.bbox.x0).map((s) => s.words.filter((w) => !speck(w)).map((w) => w.text).join(' ')).join(' '));
  const { parent, issuer } = dir.splitHeader(rowLines.map((t) => capsDebrisOut(repairGlyphs(t))).filter(Boolean));
  f.issuerParent = parent; f.issuer = issuer;
  c.issuerParent = parent ? segConf(agencyLines.slice(0, 1)) : Math.min(0.95, p.quality);
  if (!agencyLines.length) doubt(c, 'issuerParent', 0.3);
  c.issuer = issuer ? segConf(agencyLines) : 0;
  if (f.place) f.place = dir.repairPlace(f.place, [issuer, parent]);
  // the header's place read a second time on the date line: marks that disagree are checked
  for (const k of ['issuer', 'issuerParent'] as const) {
    const r = f[k] ? dir.checkPlaceInName(f[k]!, f.place) : null;
    // (one of the two readings is wrong, and nothing says which: the date line's place too)
    if (r) { f[k] = r.name; if (r.disagreed) { doubt(c, k, 0.75); doubt(c, 'place', Math.min(c.place, 0.75)); } }
  }
  // a name that does not read as an agency name (no head word, a non-word inside): checked; a
  // doubtful parent makes the parent/issuer split doubtful too
  if (dir.doubts(f.issuer).length) doubt(c, 'issuer', 0.6);
  if (dir.doubts(f.issuerParent).length) { doubt(c, 'issuerParent', 0.6); doubt(c, 'issuer', 0.7); }
  // a doubtful name with no parent split off may hold the parent still ("BỘ … TÔONG CỤC LÂM NGHIỆP")
  if (!f.issuerParent && f.issuer && dir.doubts(f.issuer).length) doubt(c, 'issuerParent', 0.6);
  if (numberSeg) {
    const n = parseNotation(numberSeg.text.replace(/^\S*?[:;.]\s*/, ''), [issuer, parent]);
    if (n) {
      f.numberNotation = repairNotationCodes(n.numberNotation); f.number = n.number;
      c.numberNotation = numberSeg.conf; c.number = c.numberNotation;
      if (!n.valid) { doubt(c, 'numberNotation', numberSeg.conf * 0.5); doubt(c, 'number', numberSeg.conf * 0.5); }
      // a digit the OCR found nearly as likely another (no word list can tell "822" from "82")
      if (closeDigit(numberSeg)) { doubt(c, 'numberNotation', numberSeg.conf); doubt(c, 'number', numberSeg.conf); }
    }
  }

  const headerBottom = Math.max(numberSeg?.bbox.y1 ?? 0, dateLine?.bottom ?? 0);
  return { headerBottom, numberSeg };
}

function marks(p: Page1, headerBottom: number, f: DocumentFields, c: Conf): void {
  // stamps sit in the header area, near the number; look a little below it too
  const zone = p.segs.filter((s) => s.bbox.y0 < headerBottom + p.unit * 12);
  // no stamp found: only as sure as the page was readable
  let conf = Math.min(0.97, p.quality); let urg = Math.min(0.97, p.quality);
  for (const s of zone) {
    {
      const m = marksInLine(s.text);
      if (m?.confidentiality && !f.confidentiality) { f.confidentiality = m.confidentiality; conf = s.conf; }
      if (m?.urgency && !f.urgency) { f.urgency = m.urgency; urg = s.conf; }
    }
  }
  c.confidentiality = conf; c.urgency = urg;
}

/** How the body of a document usually begins, at the start of a line (after at most one speck word). */
const BODY_OPENER = /^(\S{1,4}\s+)?(Căn cứ|Kính gửi|Thực hiện|Theo đề nghị|Xét đề nghị|Trên cơ sở|Được sự|Tiếp theo|Thừa lệnh)\s/u;

function typeAndSummary(p: Page1, headerBottom: number, numberSeg: Segment | undefined, f: DocumentFields, c: Conf): void {
  const { segs, width, unit } = p;
  const below = segs.filter((s) => s.bbox.y0 > headerBottom - unit * 0.5);
  const centred = (s: Segment): boolean => Math.abs(cx(s.bbox) - width / 2) < width * 0.12;
  const typeIdx = below.findIndex((s, i) => i < 8 && centred(s) && typeFromLine(s.text) && typeFromLine(s.text) !== 'Công văn');
  let fromNotation = f.numberNotation ? typeFromNotation(f.numberNotation) : null;
  if (typeIdx >= 0) {
    const t = below[typeIdx]!;
    f.type = typeFromLine(t.text)!;
    // a type code misread into no abbreviation ("TIr"), under the printed type name: its abbreviation
    if (f.numberNotation && !fromNotation) {
      f.numberNotation = repairTypeCode(f.numberNotation, f.type);
      fromNotation = typeFromNotation(f.numberNotation);
    }
    c.type = fromNotation === f.type ? 0.99 : t.conf;
    if (fromNotation && fromNotation !== f.type) doubt(c, 'type', 0.5);
    // a printed type's notation carries its abbreviation: a code that is none was misread
    if (f.numberNotation && !fromNotation) doubt(c, 'numberNotation', Math.min(c.numberNotation, 0.6));
    // summary: centred lines right under the type name, until a wider gap or a caps line
    const lines: Segment[] = [];
    let prev = t;
    for (const s of below.slice(typeIdx + 1)) {
      // a speck read as "-" beside its first line is none of it (the rule under it ends it)
      if (!lines.length && !/\p{L}/u.test(s.text) && !centred(s)) continue;
      const gap = s.bbox.y0 - prev.bbox.y1;
      if (gap > unit * (lines.length ? 0.9 : 1.3) || isCaps(s.text) || !centred(s) && lines.length > 0) break; // the type name is bold and taller: a little more room under it
      // the summary's lines share one centre; a body paragraph's first line right under it is
      // shifted right by its indent
      if (lines.length && Math.abs(cx(s.bbox) - cx(lines[0]!.bbox)) > unit * 0.75) break;
      if (/^(Căn cứ|Kính gửi)/iu.test(s.text)) break;
      // the body's first line, maybe behind a speck read as a word ("dung Thực hiện …")
      if (lines.length && BODY_OPENER.test(s.text)) break;
      lines.push(s); prev = s;
    }
    const r = repairText(trimSummary(joinText(clean(lines))));
    f.summary = lines.length ? r.text : null;
    c.summary = lines.length ? (r.changed ? Math.min(0.75, segConf(lines)) : segConf(lines)) : 0;
    if (f.summary && !summaryShape(f.summary)) doubt(c, 'summary', Math.min(c.summary, 0.6));
    return;
  }
  // công văn: no type name; "V/v ..." under the number, in the left column
  f.type = 'Công văn';
  c.type = 0.9;
  if (fromNotation) doubt(c, 'type', 0.4);
  const vvIdx = segs.findIndex((s) => /^V\s*[/|]\s*[vV]\b/.test(s.text.trim()));
  if (vvIdx >= 0) {
    const first = segs[vvIdx]!;
    const lines: Segment[] = [first];
    let prev = first;
    for (const s of segs.slice(vvIdx + 1)) {
      if (cx(s.bbox) > width * 0.5) continue; // the right column beside it
      if (s.bbox.y0 - prev.bbox.y1 > unit * 1.2 || marksInLine(s.text) || s.bbox.x1 > width * 0.6) break;
      lines.push(s); prev = s;
    }
    const r = repairText(trimSummary(joinText(repairGlyphs(clean(lines).replace(/^V\s*[/|]\s*[vV]\s*[.:]?\s*/, '')))));
    f.summary = r.text;
    c.summary = r.changed ? Math.min(0.75, segConf(lines)) : segConf(lines);
    if (!summaryShape(f.summary)) doubt(c, 'summary', Math.min(c.summary, 0.6));
  } else {
    c.summary = 0;
  }
}

function signatureBlock(segs: Segment[], width: number, unit: number, f: DocumentFields, c: Conf, quality: number): void {
  const { recvIdx, auth, title, nameRow } = signatureLayout(segs, width, unit);
  f.authority = auth.length ? cleanAuthority(clean(auth)) : null;
  c.authority = auth.length ? segConf(auth) : Math.min(0.9, quality);
  if (!auth.length && !title.length) doubt(c, 'authority', 0.3);
  const t = resolveTitle(title.length ? clean(title) : null, segConf(title), f.authority);
  f.signerTitle = t.title; c.signerTitle = t.conf;
  // an acting head's "Q. GIÁM ĐỐC" under no TM./KT. line is the title itself: taken for the
  // authority, with seal text read as the title under it, it goes back to the title
  const acting = f.authority ? /^Q\. (.+)$/u.exec(f.authority) : null;
  if (acting && TITLES.some((x) => fold(x) === fold(acting[1]!)) && !TITLES.some((x) => fold(x) === fold(f.signerTitle ?? ''))) {
    f.signerTitle = f.authority; c.signerTitle = Math.min(c.authority, 0.9);
    f.authority = null; c.authority = 0.85;
  }
  // the national title or motto is never a signer's title: the block was not found where it was
  // looked for (a page turned wrongly, a block beside the header): nothing, to be checked
  if (f.signerTitle && /CONG HOA|CHU NGHIA|DOC LAP|HANH PHUC/.test(fold(f.signerTitle))) {
    f.signerTitle = null; doubt(c, 'signerTitle', 0.2);
    if (!f.authority) doubt(c, 'authority', 0.3);
  }
  // a title that could not be read leaves the block's split into authority and title in doubt;
  // a deputy (PHÓ …, THỨ TRƯỞNG) signs for the head (KT., or under an acting head's "Q."): with
  // neither line it was lost
  // a title that is none of NĐ30's titles (read wrongly, or not read)
  const titleDoubt = !f.signerTitle || (!TITLES.some((x) => fold(x) === fold(f.signerTitle!.replace(/^Q\.\s*/u, ''))) && !isUnitHeadTitle(f.signerTitle, f.authority));
  // (with no authority line read either: a lost TM./KT. line is as likely as none)
  if (titleDoubt) doubt(c, 'authority', f.authority ? 0.7 : 0.6);
  if (titleDoubt) doubt(c, 'signerTitle', c.signerTitle);
  if (/^(PHÓ|THỨ TRƯỞNG)(?=\s|$)/u.test(f.signerTitle ?? '') && !/(^|\s)(KT|Q)\./u.test(f.authority ?? '')) doubt(c, 'authority', 0.6);
  if (nameRow.length) {
    const r = readName(rowText(nameRow));
    f.signer = r.valid || r.name.split(' ').length >= 2 ? r.name : null;
    c.signer = f.signer ? Math.min(segConf(nameRow), r.conf) : 0;
    if (!r.valid) doubt(c, 'signer', c.signer);
  } else doubt(c, 'signer', 0);

  if (f.type === 'Biên bản') {
    f.authority = null; c.authority = 0.95;
    f.recipients = []; c.recipients = 0.95;
    return;
  }
  if (recvIdx < 0) { doubt(c, 'recipients', 0.2); return; }
  const list = readRecipientList(segs, segs[recvIdx]!, width, unit, f.numberNotation, [f.issuer, f.issuerParent, f.place]);
  f.recipients = list.items; c.recipients = list.conf;
  LISTS.set(c, list.evidence);
  if (!list.sure) doubt(c, 'recipients', 0.5);
  if (list.doubtful) doubt(c, 'recipients', 0.6);
}

export interface ExtractOptions { directory?: AgencyDirectory; today?: Date }

/** What the calibration sees of one extraction: each field's evidence and the page's mean word confidence. */
export interface ExtractionEvidence { evidence: Record<FieldKey, FieldEvidence>; quality: number }

/** Fields, calibrated confidences and flags (calibration.ts). */
export function extractFields(pages: OcrPage[], opts: ExtractOptions = {}): ExtractionResult {
  return extractFieldsWithEvidence(pages, opts).result;
}

/** extractFields plus the evidence its confidences were calibrated from (for fitting the calibration). */
export function extractFieldsWithEvidence(pages: OcrPage[], opts: ExtractOptions = {}): { result: ExtractionResult } & ExtractionEvidence {
  const dir = opts.directory ?? AgencyDirectory.builtIn();
  const today = opts.today ?? new Date();
  // words read with symbol choices are spelled by the syllable model first (syllable-choice.ts)
  const posteriors = new Map<string, number>();
  const kept = pages.filter((p) => !p.blank && p.text.trim()).map((p) => {
    const chosen = chooseAmongAlternatives(p);
    for (const [k, v] of chosen.posteriors) posteriors.set(k, Math.min(posteriors.get(k) ?? 1, v));
    return chosen.page;
  });
  const f = emptyFields();
  const c = Object.fromEntries(FIELD_KEYS.map((k) => [k, 0])) as Conf;
  const doubted = new Set<FieldKey>();
  DOUBTS.set(c, doubted);
  f.pages = kept.length; c.pages = kept.length ? 0.99 : 0;
  if (kept.length) {
    const first = kept[0]!;
    const segs = splitColumns(pageSegments(first), first.width, first.height, fold);
    const quality = segs.reduce((a, x) => a + x.conf, 0) / Math.max(1, segs.length);
    const p1 = { segs, width: first.width, unit: lineUnit(segs), quality };
    const { headerBottom, numberSeg } = headerFields(p1, f, c, dir, today);
    marks(p1, headerBottom, f, c);
    typeAndSummary(p1, headerBottom, numberSeg, f, c);
    if (f.numberNotation && notationCodesDoubtful(f.numberNotation)) doubt(c, 'numberNotation', Math.min(c.numberNotation, 0.6));
    const last = kept[kept.length - 1]!;
    const lsegs = last === first ? segs : pageSegments(last);
    signatureBlock(lsegs, last.width, lineUnit(lsegs), f, c, lsegs.reduce((a, x) => a + x.conf, 0) / Math.max(1, lsegs.length));
    const id = f.issuer ? dir.lookup(f.issuer, f.issuerParent) : null;
    const agree = crossChecks(f, today);
    const vocabulary = vocabularyChecks(f, dir);
    const text: Partial<Record<FieldKey, string | string[] | null>> = { issuerParent: f.issuerParent, issuer: f.issuer, summary: f.summary, signer: f.signer, recipients: f.recipients, authority: f.authority, signerTitle: f.signerTitle };
    const spelled: Partial<Record<FieldKey, string | string[] | null>> = { ...text, numberNotation: f.numberNotation, place: f.place };
    const evidence = Object.fromEntries(FIELD_KEYS.map((k) => [k, { raw: clamp01(c[k]), doubt: doubted.has(k), agreement: agree[k] ?? 0, vocabulary: vocabulary[k] ?? 0,
      unknown: text[k] !== undefined ? unknownShare(text[k]!) : 0, choice: fieldPosterior(spelled[k], posteriors),
      list: k === 'recipients' ? LISTS.get(c) ?? NO_LIST_EVIDENCE : undefined,
      rivals: text[k] !== undefined && k !== 'signer' ? Math.min(3, rivalWords(text[k]!)) : 0 }])) as Record<FieldKey, FieldEvidence>;
    const { confidence, flagged } = calibrate(evidence, quality);
    return { result: { ...f, confidence: round(confidence), text: kept.map((p) => p.text), issuerId: id?.id ?? null, flagged }, evidence, quality };
  }
  const evidence = Object.fromEntries(FIELD_KEYS.map((k) => [k, { raw: 0, doubt: true, agreement: 0, unknown: 0, choice: 1 }])) as Record<FieldKey, FieldEvidence>;
  return { result: { ...f, confidence: round(c), text: [], issuerId: null, flagged: [...FIELD_KEYS] }, evidence, quality: 0 };
}

const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));

function round(c: Conf): Conf {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Math.round(Math.max(0, Math.min(1, v)) * 1000) / 1000])) as Conf;
}
