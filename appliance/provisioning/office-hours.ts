import { crossChecks } from '../config/decode.js';
import { schemaProblems } from '../config/validate.js';
import { dayNames, dayNumber, WEEKDAY_HELP } from '../config/weekdays.js';
import { outcome, ProvisionError, type StepOutcome } from './types.js';

// Step "hours": opening and closing time ("HH:mm", Vietnam time) and the working days by name, as
// the settings schema writes them ("Thứ Hai" … "Chủ Nhật"; "Thứ 2", "T2"-less spellings accepted).

export interface HoursAnswers {
  start: string;
  end: string;
  /** Day names; a comma-separated string is split. */
  days: string[] | string;
}

export function checkOfficeHours(a: HoursAnswers): StepOutcome {
  const start = a.start.trim();
  const end = a.end.trim();
  const raw = (Array.isArray(a.days) ? a.days : a.days.split(',')).map((d) => d.trim()).filter(Boolean);
  if (!raw.length) throw new ProvisionError('hours', `Chưa có ngày làm việc nào: ${WEEKDAY_HELP}.`);
  const unknown = raw.filter((d) => dayNumber(d) === undefined);
  if (unknown.length) throw new ProvisionError('hours', `"${unknown.join('", "')}" không phải tên ngày: ${WEEKDAY_HELP}.`);
  const days = dayNames([...new Set(raw.map((d) => dayNumber(d)!))]);
  const hours = { start, end, days };
  const problems = [...schemaProblems({ register: { officeHours: hours } })];
  if (!problems.length) problems.push(...crossChecks((k) => ({ 'register.officeHours.start': start, 'register.officeHours.end': end } as Record<string, unknown>)[k], (k) => `"${k}"`));
  if (problems.length) throw new ProvisionError('hours', problems.map((p) => p.message).join(' '));
  return outcome('hours', { 'register.officeHours': hours }, [`Giờ làm việc: ${start}–${end}, ${days.join(', ')}`]);
}
