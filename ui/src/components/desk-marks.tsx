import { S } from '../strings.js';

// What the clerk may add at Đăng ký besides the fields: the complaint mark (đơn thư khiếu nại,
// tố cáo: held on paper only, like a secret document) and a late entry after an outage ("Vào sổ
// muộn": the real receipt date and time and where the paper record is). Sent with the fields as
// `exclusion` and `late` (appliance/api/schemas-register.ts); the appliance checks the time.

export interface DeskMarks {
  complaint: boolean;
  late: { open: boolean; date: string; time: string; paperRecord: string };
}

export const NO_MARKS: DeskMarks = { complaint: false, late: { open: false, date: '', time: '', paperRecord: '' } };

/** The marks as the register route takes them, or the reason they cannot be sent yet. */
export function marksBody(m: DeskMarks): { body: { exclusion?: 'complaint'; late?: { receivedAt: string; paperRecord: string } } } | { error: string } {
  const body: { exclusion?: 'complaint'; late?: { receivedAt: string; paperRecord: string } } = m.complaint ? { exclusion: 'complaint' } : {};
  if (!m.late.open) return { body };
  const { date, time, paperRecord } = m.late;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time) || !paperRecord.trim()) return { error: S.desk.lateIncomplete };
  // (the paper book is kept in Vietnam time)
  return { body: { ...body, late: { receivedAt: `${date}T${time}:00+07:00`, paperRecord: paperRecord.trim() } } };
}

export function DeskMarksForm({ marks, onChange, disabled }: { marks: DeskMarks; onChange: (m: DeskMarks) => void; disabled: boolean }) {
  const late = (part: Partial<DeskMarks['late']>) => onChange({ ...marks, late: { ...marks.late, ...part } });
  return (
    <div class="desk-marks span-6" data-testid="desk-marks">
      <button type="button" role="switch" aria-checked={marks.complaint} data-action="complaint" disabled={disabled}
        class={`btn desk-mark ${marks.complaint ? 'seg-on seg-secret' : ''}`} onClick={() => onChange({ ...marks, complaint: !marks.complaint })}>
        {marks.complaint ? '☑' : '☐'} {S.desk.complaint}
      </button>
      {marks.complaint && <p class="hint">{S.desk.complaintHint}</p>}
      <button type="button" aria-expanded={marks.late.open} data-action="late" disabled={disabled}
        class={`btn desk-mark ${marks.late.open ? 'seg-on' : ''}`} onClick={() => late({ open: !marks.late.open })}>
        {marks.late.open ? '▾' : '▸'} {S.desk.late}
      </button>
      {marks.late.open && (
        <div class="desk-late" data-testid="late-fold">
          <p class="hint">{S.desk.lateHint}</p>
          <label class="field"><span class="field-label">{S.desk.lateDate}</span>
            <input type="date" name="lateDate" value={marks.late.date} disabled={disabled} onInput={(e) => late({ date: e.currentTarget.value })} /></label>
          <label class="field"><span class="field-label">{S.desk.lateTime}</span>
            <input type="time" name="lateTime" value={marks.late.time} disabled={disabled} onInput={(e) => late({ time: e.currentTarget.value })} /></label>
          <label class="field desk-late-paper"><span class="field-label">{S.desk.latePaper}</span>
            <input name="latePaper" maxLength={300} placeholder={S.desk.latePaperHint} value={marks.late.paperRecord} disabled={disabled}
              onInput={(e) => late({ paperRecord: e.currentTarget.value })} /></label>
        </div>
      )}
    </div>
  );
}
