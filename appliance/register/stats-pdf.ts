import { tablePdf, type TableLayout } from '../pdf/table-pdf.js';
import { vnDate } from './book-view.js';
import { BY_TITLE, STATS_COLUMNS, STATS_KEYS, type RegisterStats } from './stats.js';

// The statistics printed (Lào Cai art. 11.2b): A4 portrait, the agency and the range on top, one
// line per day, week, month or issuer, the total last (shaded), the header repeated on every page;
// laid out like the printed book (pdf/table-pdf.ts).

const LAYOUT: TableLayout = {
  page: { w: 595.28, h: 841.89 },
  margin: 36,
  /** The group column, then the six counts (sum 523 = the page width less the margins). */
  widths: [187, 56, 56, 56, 56, 56, 56],
  size: 9, lead: 11, pad: 3,
  // counts right-aligned, the group on the left
  align: (column) => (column === 0 ? 'left' : 'right'),
};

export function statsPdf(s: RegisterStats, agency: string, printedAt: string): Promise<Uint8Array> {
  const rows = [
    ...s.rows.map((r) => ({ cells: [r.label, ...STATS_KEYS.map((k) => String(r[k]))] })),
    { cells: ['Tổng cộng', ...STATS_KEYS.map((k) => String(s.total[k]))], shade: true },
  ];
  return tablePdf(LAYOUT, {
    docTitle: 'Thống kê văn bản', agency, title: 'THỐNG KÊ VĂN BẢN',
    subtitle: `Theo ${BY_TITLE[s.by].toLocaleLowerCase('vi')}, từ ngày ${s.from ? vnDate(s.from) : '…'} đến ngày ${s.to ? vnDate(s.to) : '…'}`,
    columns: [BY_TITLE[s.by], ...STATS_KEYS.map((k) => STATS_COLUMNS[k])], printedAt,
  }, rows, 'Không có văn bản nào trong khoảng thời gian này.');
}
