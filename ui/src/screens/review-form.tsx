import type { DocumentFields, ExtractionResult, FieldKey } from '../types.js';
import { S } from '../strings.js';

// The extracted fields, editable. A field the extractor doubts (flagged, or confidence below
// DOUBT) has an orange frame so the clerk's eyes go there first.

const DOUBT = 0.6;
const TYPES = ['Công văn', 'Quyết định', 'Nghị quyết', 'Chỉ thị', 'Thông báo', 'Kế hoạch', 'Báo cáo', 'Tờ trình', 'Hướng dẫn', 'Giấy mời', 'Quy chế', 'Quy định', 'Chương trình', 'Phương án', 'Đề án', 'Biên bản', 'Hợp đồng', 'Công điện', 'Giấy ủy quyền'];
const SECRECY = [null, 'Mật', 'Tối mật', 'Tuyệt mật'] as const;
const URGENCY = [null, 'Khẩn', 'Thượng khẩn', 'Hỏa tốc'] as const;

export function isDoubtful(result: ExtractionResult, key: FieldKey): boolean {
  return (result.flagged ?? []).includes(key) || (result.confidence?.[key] ?? 1) < DOUBT;
}

export function anyDoubtful(result: ExtractionResult): boolean {
  return (result.flagged ?? []).length > 0 || Object.values(result.confidence ?? {}).some((c) => c < DOUBT);
}

interface Props {
  result: ExtractionResult;
  fields: DocumentFields;
  onChange: (f: DocumentFields) => void;
  disabled: boolean;
}

export function ReviewForm({ result, fields, onChange, disabled }: Props) {
  const set = <K extends FieldKey>(key: K, value: DocumentFields[K]) => onChange({ ...fields, [key]: value });
  const cls = (key: FieldKey, extra = '') => `field ${extra} ${isDoubtful(result, key) ? 'doubtful' : ''}`;
  const text = (key: 'issuerParent' | 'issuer' | 'numberNotation' | 'number' | 'place' | 'authority' | 'signerTitle' | 'signer', extra = '') => (
    <label class={cls(key, extra)} data-field={key}>
      <span class="field-label">{S.fields[key]}</span>
      <input name={key} value={fields[key] ?? ''} disabled={disabled}
        onInput={(e) => set(key, e.currentTarget.value === '' ? null : e.currentTarget.value)} />
    </label>
  );
  const choice = <T extends string | null>(key: 'confidentiality' | 'urgency', options: readonly T[]) => (
    <div class={cls(key, 'span-2')} data-field={key}>
      <span class="field-label">{S.fields[key]}</span>
      <div class="segmented" role="radiogroup">
        {options.map((o) => (
          <button type="button" role="radio" aria-checked={fields[key] === o} key={String(o)} disabled={disabled}
            class={`seg ${fields[key] === o ? 'seg-on' : ''} ${o && key === 'confidentiality' ? 'seg-secret' : ''}`}
            onClick={() => set(key, o as DocumentFields[typeof key])}>
            {o ?? S.review.none}
          </button>
        ))}
      </div>
    </div>
  );

  return (
    <div class="form-grid">
      {text('issuer', 'span-2')}
      {text('issuerParent', 'span-2')}
      {text('numberNotation')}
      <label class={cls('date')} data-field="date">
        <span class="field-label">{S.fields.date}</span>
        <input name="date" type="date" value={fields.date ?? ''} disabled={disabled}
          onInput={(e) => set('date', e.currentTarget.value || null)} />
      </label>
      <label class={cls('type')} data-field="type">
        <span class="field-label">{S.fields.type}</span>
        <input name="type" list="doc-types" value={fields.type} disabled={disabled}
          onInput={(e) => set('type', e.currentTarget.value)} />
        <datalist id="doc-types">{TYPES.map((t) => <option key={t} value={t} />)}</datalist>
      </label>
      {text('place')}
      <label class={cls('summary', 'span-2')} data-field="summary">
        <span class="field-label">{S.fields.summary}</span>
        <textarea name="summary" rows={2} value={fields.summary ?? ''} disabled={disabled}
          onInput={(e) => set('summary', e.currentTarget.value === '' ? null : e.currentTarget.value)} />
      </label>
      {text('authority')}
      {text('signerTitle')}
      {text('signer')}
      {text('number')}
      <label class={cls('recipients', 'span-2')} data-field="recipients">
        <span class="field-label">{S.fields.recipients} <small>({S.review.recipientsHint})</small></span>
        <textarea name="recipients" rows={2} value={fields.recipients.join('\n')} disabled={disabled}
          onInput={(e) => set('recipients', e.currentTarget.value.split('\n'))} />
      </label>
      {choice('confidentiality', SECRECY)}
      {choice('urgency', URGENCY)}
    </div>
  );
}
