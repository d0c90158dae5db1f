import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { DocumentFields, ErrorInfo, FieldBoxes, FieldKey, JobView, PageEdit, PageEditsView, Region, RegionText } from '../types.js';
import { ReviewForm, isDoubtful } from '../screens/review-form.js';
import { addRotation, unionRegion } from './page-geometry.js';
import type { DeskMarks } from './desk-marks.js';
import { PageStrip } from './page-strip.js';
import { PageViewer } from './page-viewer.js';

// The review of one document beside its page: the page large on the left with the strip of all
// pages under it, the form on the right. Touching a field frames where it was read on the page
// (a ⚠ field opens there, zoomed); with a field chosen, a drag or a tap on the page reads that
// region into it. Page edits (turn, move, take out, blank) go to the appliance at once, so they
// survive a restart and reach the PDF; "Hoàn tác" takes back the last one.

interface Props {
  job: JobView;
  fields: DocumentFields;
  onChange: (f: DocumentFields) => void;
  disabled: boolean;
  /** Above the form (title, hints, banners). */
  head?: ComponentChildren;
  /** Under the form's fields, scrolled with them (an outgoing document's recipients). */
  below?: ComponentChildren;
  /** Under the form, always visible (Huỷ, Quét tiếp, Đăng ký…). */
  actions: ComponentChildren;
  onError: (e: ErrorInfo) => void;
  /** The complaint mark and late entry (desk-marks.tsx), passed to the form. */
  marks?: DeskMarks;
  onMarks?: (m: DeskMarks) => void;
}

const jobPath = (jobId: string) => `/api/jobs/${encodeURIComponent(jobId)}`;

/** Text read from the page, as the field takes it. */
function intoField(key: FieldKey, fields: DocumentFields, read: string): DocumentFields {
  const oneLine = read.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  if (key === 'recipients') {
    const lines = read.split('\n').map((l) => l.replace(/^[-–•+]\s*/, '').replace(/[;.]$/, '').trim()).filter((l) => l !== '');
    return { ...fields, recipients: [...fields.recipients.filter((r) => r.trim() !== ''), ...lines] };
  }
  if (key === 'date') {
    const m = /(\d{1,2})\D{1,12}(\d{1,2})\D{1,12}(\d{4})/.exec(oneLine);
    const iso = m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : oneLine;
    return { ...fields, date: iso || null };
  }
  if (key === 'confidentiality' || key === 'urgency' || key === 'pages') return fields;
  if (key === 'type') return { ...fields, type: oneLine || fields.type };
  return { ...fields, [key]: oneLine === '' ? null : oneLine };
}

export function ReviewPane({ job, fields, onChange, disabled, head, below, actions, onError, marks, onMarks }: Props) {
  const [edits, setEdits] = useState<PageEditsView | null>(null);
  const [selected, setSelected] = useState<number>(job.pages[0]?.page ?? 1);
  const [boxes, setBoxes] = useState<FieldBoxes>({});
  const [active, setActive] = useState<FieldKey | null>(null);
  const [focusOn, setFocusOn] = useState<Region | null>(null);
  const [reading, setReading] = useState(false);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLDivElement>(null);
  const fieldsRef = useRef(fields);
  fieldsRef.current = fields;

  const loadEdits = useCallback(async () => {
    try {
      const v = await api.get<PageEditsView>(`${jobPath(job.jobId)}/edits`);
      setEdits(v);
      setSelected((s) => (v.pages.some((p) => p.page === s) ? s : v.pages.find((p) => !p.removed && !p.blank)?.page ?? v.pages[0]?.page ?? 1));
    } catch (err) {
      onError(errorInfo(err));
    }
  }, [job.jobId, onError]);
  useEffect(() => void loadEdits(), [loadEdits, job.pages.length]);

  // Where the fields were read: known once the pages are read whole (a moment after the fields
  // of a one-page scan), so asked again a few times while empty.
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (tries: number) => {
      try {
        const b = await api.get<FieldBoxes>(`${jobPath(job.jobId)}/fields/where`);
        if (stop) return;
        setBoxes(b);
        if (Object.keys(b).length === 0 && tries > 0) timer = setTimeout(() => void ask(tries - 1), 1500);
      } catch {
        // only a help for the eye: the review goes on without it
      }
    };
    void ask(20);
    return () => { stop = true; clearTimeout(timer); };
  }, [job.jobId, job.result]);

  // The document's page count follows the kept pages.
  useEffect(() => {
    if (edits && fieldsRef.current.pages !== edits.kept) onChange({ ...fieldsRef.current, pages: edits.kept });
  }, [edits?.kept]);

  const choose = (key: FieldKey) => {
    if (key === active) return;
    setActive(key);
    const where = boxes[key];
    if (where) {
      setSelected(where.page);
      // a doubtful field opens at its place on the page
      setFocusOn(job.result && isDoubtful(job.result, key) ? { ...unionRegion(where.boxes) } : null);
    } else setFocusOn(null);
  };

  useEffect(() => {
    form.current?.querySelectorAll('.field-active').forEach((el) => el.classList.remove('field-active'));
    if (active) form.current?.querySelector(`[data-field="${active}"]`)?.classList.add('field-active');
  });

  const edit = async (pages: PageEdit[]) => {
    setSaving(true);
    try {
      setEdits(await api.post<PageEditsView>(`${jobPath(job.jobId)}/edits`, { pages }));
    } catch (err) {
      onError(errorInfo(err));
    } finally {
      setSaving(false);
    }
  };
  const undo = async () => {
    setSaving(true);
    try {
      setEdits(await api.post<PageEditsView>(`${jobPath(job.jobId)}/edits/undo`, {}));
    } catch (err) {
      onError(errorInfo(err));
    } finally {
      setSaving(false);
    }
  };

  const readable = active && !['confidentiality', 'urgency', 'pages'].includes(active) ? active : null;
  const read = async (region: Region) => {
    if (!readable) return;
    setReading(true);
    try {
      const r = await api.post<RegionText>(`${jobPath(job.jobId)}/pages/${selected}/read`, region);
      if (r.text.trim() === '') onError({ code: 'ocr.input', message: S.pages.readNothing });
      else onChange(intoField(readable, fieldsRef.current, r.text));
    } catch (err) {
      onError(errorInfo(err));
    } finally {
      setReading(false);
    }
  };

  const page = edits?.pages.find((p) => p.page === selected);
  const imageUrl = page?.imageUrl ?? job.pages.find((p) => p.page === selected)?.imageUrl ?? job.pages[0]?.imageUrl ?? '';
  const highlight = active && boxes[active]?.page === selected ? boxes[active]!.boxes : [];

  return (
    <div class="review-pane" data-testid="review-pane">
      <div class="review-page-col">
        <PageViewer imageUrl={imageUrl} rotation={page ? addRotation(page.autoRotation, page.rotation) : 0} highlight={highlight}
          focusOn={focusOn} readInto={readable ? S.fields[readable] : null} reading={reading} onRead={read}
          greyed={!!page && (page.removed || page.blank)} />
        {edits && (
          <PageStrip pages={edits.pages} selected={selected} onSelect={setSelected} onChange={edit} onUndo={undo}
            canUndo={edits.canUndo} disabled={disabled || saving} />
        )}
      </div>
      <div class="review-form-col">
        <div class="review-scroll" ref={form}
          onFocusIn={(e) => { const k = (e.target as Element).closest('[data-field]')?.getAttribute('data-field'); if (k) choose(k as FieldKey); }}
          onPointerDown={(e) => { const k = (e.target as Element).closest('[data-field]')?.getAttribute('data-field'); if (k) choose(k as FieldKey); }}>
          {head}
          {edits && edits.kept === 0 && <p class="banner banner-warn" role="alert">{S.pages.noneKept}</p>}
          <ReviewForm result={job.result!} fields={fields} onChange={onChange} disabled={disabled} marks={marks} onMarks={onMarks} book={job.book} />
          {below}
        </div>
        <div class="actions">{actions}</div>
      </div>
    </div>
  );
}
