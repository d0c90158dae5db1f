// Week days by name. A Vietnamese technician says "Thứ Hai" for Monday ("day two"), a programmer
// may count from 0 or 1: numbers invite three different mistakes, names none. Loaded as the
// register's numbering (Date#getUTCDay: 0 = Sunday … 6 = Saturday).

/** The canonical names, index = day number (0 = Sunday). */
export const DAY_NAMES_VI = ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'] as const;

const EN_LONG = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Lower case, one space, composed diacritics: "thứ  HAI" and "Thứ Hai" are the same name. */
const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

const BY_NAME = new Map<string, number>();
DAY_NAMES_VI.forEach((n, i) => BY_NAME.set(norm(n), i));
// "Thứ 2" … "Thứ 7" are how the same names are often written: the numeral is part of the name.
for (let i = 1; i <= 6; i++) BY_NAME.set(`thứ ${i + 1}`, i);
BY_NAME.set('cn', 0);
EN_LONG.forEach((n, i) => { BY_NAME.set(n, i); BY_NAME.set(n.slice(0, 3), i); });

/** The day number of a name, or undefined when it is not a day's name. */
export function dayNumber(name: string): number | undefined {
  return BY_NAME.get(norm(name));
}

/** The canonical Vietnamese names of day numbers, Monday first ("Thứ Hai" … "Chủ Nhật"). */
export function dayNames(days: readonly number[]): string[] {
  return [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => DAY_NAMES_VI[d] ?? String(d));
}

export const WEEKDAY_HELP =
  'hãy viết tên ngày ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"): ' +
  'số ngày dễ nhầm vì có nơi đếm 0–6, có nơi 1–7, còn "Thứ Hai" lại là ngày thứ 2';
