import { SohoaError } from '../errors.js';
import { toVnIso, VN_OFFSET_MS, vnYear } from './vn-time.js';

// Late entry after an outage (Vĩnh Phúc art. 6.2; Thái Nguyên art. 4.2; Tuyên Quang art. 20): while
// the appliance or the system was down, the clerk wrote receipts on paper; afterwards each is
// entered with its REAL receipt time (office hours applied to it) and the next số đến. A receipt
// time in the future, or before the last year rollover (the register's numbers restart each
// 1 January: an older receipt belongs to a closed year's book), is refused with the reason.

/** What the clerk gives for a late entry. */
export interface LateReceipt {
  /** The real receipt time from the paper record. */
  receivedAt: Date;
  /** Where it was written down, e.g. "Sổ giấy trang 12, dòng 3". */
  paperRecord: string;
}

/** 00:00 +07:00 of 1 January of the year `now` is in (Vietnam). */
export function lastYearRollover(now: Date): Date {
  return new Date(Date.UTC(vnYear(now), 0, 1) - VN_OFFSET_MS);
}

const fmt = (d: Date) => toVnIso(d).slice(0, 16).replace('T', ' lúc ').replace(/^(\d{4})-(\d{2})-(\d{2})/, '$3/$2/$1');

/** Refuses a receipt time the register cannot take; returns the paper record trimmed (NFC). */
export function checkLateReceipt(late: LateReceipt, now: Date): LateReceipt {
  const at = late.receivedAt;
  const paperRecord = late.paperRecord.normalize('NFC').trim();
  if (Number.isNaN(at.getTime())) {
    throw new SohoaError('request.invalid', 'Thời điểm nhận văn bản không hợp lệ. Hãy nhập ngày và giờ ghi trong sổ giấy.', `late receipt time is not a date`);
  }
  if (!paperRecord) {
    throw new SohoaError('request.invalid', 'Hãy ghi văn bản này được chép ở đâu trong sổ giấy (ví dụ "Sổ giấy trang 12, dòng 3").', 'late entry without a paper record');
  }
  if (at.getTime() > now.getTime()) {
    throw new SohoaError('request.invalid', `Thời điểm nhận (${fmt(at)}) ở tương lai. Hãy nhập đúng ngày giờ ghi trong sổ giấy.`, `late receipt ${at.toISOString()} is after now ${now.toISOString()}`);
  }
  const rollover = lastYearRollover(now);
  if (at.getTime() < rollover.getTime()) {
    throw new SohoaError('request.invalid',
      `Thời điểm nhận (${fmt(at)}) trước ngày 01/01/${vnYear(now)}: sổ đăng ký năm trước đã khoá số, không vào sổ muộn được. Hãy giữ văn bản này trong sổ giấy của năm đó.`,
      `late receipt ${at.toISOString()} is before the year rollover ${rollover.toISOString()}`);
  }
  return { receivedAt: at, paperRecord };
}
