import type { DocumentFields, ExtractionResult, FieldKey } from '../types.js';
import { S } from '../strings.js';
import { DuplicateWarning } from '../components/duplicate-warning.js';
import { DeskMarksForm, type DeskMarks } from '../components/desk-marks.js';

// The extracted fields, editable. A field the extractor doubts (flagged, or confidence below
// DOUBT) has an orange frame so the clerk's eyes go there first. Độ mật and Độ khẩn come first
// (they decide where the document goes); text boxes grow with their value, nothing is cut off.

const DOUBT = 0.6;
const TYPES = ['Công văn', 'Quyết định', 'Nghị quyết', 'Chỉ thị', 'Thông báo', 'Kế hoạch', 'Báo cáo', 'Tờ trình', 'Hướng dẫn', 'Giấy mời', 'Quy chế', 'Quy định', 'Chương trình', 'Phương án', 'Đề án', 'Biên bản', 'Hợp đồng', 'Công điện', 'Giấy ủy quyền'];
const SECRECY = [null, 'Mật', 'Tối mật', 'Tuyệt mật'] as const;
const URGENCY = [null, 'Khẩn', 'Thượng khẩn', 'Hỏa tốc'] as const;

export function isDoubtful(result: ExtractionResult, key: FieldKey): boolean {
  return (result.flagged ?? []).includes(key) || (result.confidence?.[key] ?? 1) < DOUBT;
}

/** The form's starting values: what the extractor read. */
export function fieldsOf(r: ExtractionResult): DocumentFields {
  return {
    issuerParent: r.issuerParent, issuer: r.issuer, numberNotation: r.numberNotation, number: r.number,
    place: r.place, date: r.date, type: r.type, summary: r.summary, authority: r.authority,
    signerTitle: r.signerTitle, signer: r.signer, recipients: [...r.recipients],
    confidentiality: r.confidentiality, urgency: r.urgency, pages: r.pages,
  };
}

export function anyDoubtful(result: ExtractionResult): boolean {
  return (result.flagged ?? []).length > 0 || Object.values(result.confidence ?? {}).some((c) => c < DOUBT);
}

interface Props {
  result: ExtractionResult;
  fields: DocumentFields;
  onChange: (f: DocumentFields) => void;
  disabled: boolean;
  /** The complaint mark and the "Vào sổ muộn" fold, when the screen registers with them. */
  marks?: DeskMarks;
  onMarks?: (m: DeskMarks) => void;
  /** 'outgoing': the duplicate check is the outgoing book's. */
  book?: 'incoming' | 'outgoing';
}

export function ReviewForm({ result, fields, onChange, disabled, marks, onMarks, book }: Props) {
  const set = <K extends FieldKey>(key: K, value: DocumentFields[K]) => onChange({ ...fields, [key]: value });
  const cls = (key: FieldKey, extra = '') => `field ${extra} ${isDoubtful(result, key) ? 'doubtful' : ''}`;
  const text = (key: 'issuerParent' | 'issuer' | 'numberNotation' | 'number' | 'place' | 'authority' | 'signerTitle' | 'signer', extra = '') => (
    <label class={cls(key, extra)} data-field={key}>
      <span class="field-label">{S.fields[key]}</span>
      {/* one line of data, shown whole: the box grows with a long value ("TM. ỦY BAN NHÂN DÂN KT.") */}
      <textarea name={key} rows={1} class="grow" data-one-line value={fields[key] ?? ''} disabled={disabled}
        onKeyDown={(e) => { if (e.key === 'Enter') e.preventDefault(); }}
        onInput={(e) => { const v = e.currentTarget.value.replace(/\s*\n\s*/g, ' '); set(key, v === '' ? null : v); }} />
    </label>
  );
  const choice = <T extends string | null>(key: 'confidentiality' | 'urgency', options: readonly T[]) => (
    <div class={cls(key, 'span-3 choice')} data-field={key}>
      <span class="field-label">{S.fields[key]}</span>
      <div class="segmented" role="radiogroup">
        {options.map((o) => (
          <button type="button" role="radio" aria-checked={fields[key] === o} key={String(o)} disabled={disabled}
            class={`seg ${fields[key] === o ? 'seg-on' : ''} ${o && key === 'confidentiality' ? 'seg-secret' : ''}`}
            onClick={() => set(key, o as DocumentFields[typeof key])}>
            {o ?? (key === 'urgency' ? S.review.normal : S.review.none)}
          </button>
        ))}
      </div>
    </div>
  );

  return (
    <div class="form-grid">
      {/* first: the two fields that decide where the document goes, never below the fold */}
      {choice('confidentiality', SECRECY)}
      {choice('urgency', URGENCY)}
      <DuplicateWarning issuer={fields.issuer} numberNotation={fields.numberNotation} book={book} date={fields.date} />
      {text('issuer', 'span-4')}
      {text('numberNotation', 'span-2')}
      <label class={cls('date', 'span-2')} data-field="date">
        <span class="field-label">{S.fields.date}</span>
        <input name="date" inputMode="numeric" placeholder={S.review.dateHint} value={showDate(fields.date)} disabled={disabled}
          class={fields.date && !ISO_DATE.test(fields.date) ? 'invalid' : ''}
          onInput={(e) => set('date', readDate(e.currentTarget.value))} />
      </label>
      <label class={cls('type', 'span-2')} data-field="type">
        <span class="field-label">{S.fields.type}</span>
        <input name="type" list="doc-types" value={fields.type} disabled={disabled}
          onInput={(e) => set('type', e.currentTarget.value)} />
        <datalist id="doc-types">{TYPES.map((t) => <option key={t} value={t} />)}</datalist>
      </label>
      {text('place', 'span-2')}
      <label class={cls('summary', 'span-6')} data-field="summary">
        <span class="field-label">{S.fields.summary}</span>
        <textarea name="summary" rows={2} class="grow" value={fields.summary ?? ''} disabled={disabled}
          onInput={(e) => set('summary', e.currentTarget.value === '' ? null : e.currentTarget.value)} />
      </label>
      {text('signer', 'span-2')}
      {text('signerTitle', 'span-2')}
      {text('authority', 'span-2')}
      <label class={cls('recipients', 'span-6')} data-field="recipients">
        <span class="field-label">{S.fields.recipients} <small>({S.review.recipientsHint})</small></span>
        <textarea name="recipients" rows={2} class="grow" value={fields.recipients.join('\n')} disabled={disabled}
          onInput={(e) => set('recipients', e.currentTarget.value.split('\n'))} />
      </label>
      {text('issuerParent', 'span-4')}
      {text('number', 'span-2')}
      {marks && onMarks && <DeskMarksForm marks={marks} onChange={onMarks} disabled={disabled} />}
    </div>
  );
}

// Dates are shown and typed the Vietnamese way (ngày/tháng/năm) and kept ISO (YYYY-MM-DD).
// Text that is not (yet) a valid date is kept as typed; registering refuses it (isDateValid).
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDateValid(date: string | null): boolean {
  return date === null || ISO_DATE.test(date);
}

function showDate(date: string | null): string {
  if (!date) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : date;
}

function readDate(typed: string): string | null {
  const t = typed.trim();
  if (!t) return null;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (!m) return typed;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return typed;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
