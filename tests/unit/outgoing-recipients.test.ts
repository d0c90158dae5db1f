import { describe, expect, it } from 'vitest';
import { confirmOutgoing } from '../../appliance/outgoing/confirm-outgoing.js';
import { isCopyOnly, RecipientResolver } from '../../appliance/outgoing/resolve-recipients.js';
import { emptyFields } from '../../appliance/extract/fields.js';

// "Nơi nhận" → agencies with identifiers: printed forms and abbreviations resolve through the
// provisioned list, "Lưu" lines are copies, unresolved lines stay (shown, never dropped).

/** The clerk's reason of a refusal (SohoaError.vi), or null when nothing was refused. */
function refusal(fn: () => unknown): string | null {
  try { fn(); } catch (err) { return (err as { vi: string }).vi; }
  return null;
}

const LIST = [
  { name: 'Ủy ban nhân dân tỉnh Kon Tum', id: '000.00.00.H34', aliases: ['UBND tỉnh', 'Chủ tịch, các PCT UBND tỉnh'] },
  { name: 'Sở Tài chính', parent: 'UBND tỉnh Kon Tum', id: 'H34.15' },
  { name: 'Sở Nội vụ' }, // no identifier: known to extraction, not a recipient
];

describe('recipients of an outgoing document', () => {
  const r = new RecipientResolver(LIST);

  it('resolves printed forms, keeps unresolved lines and marks the archive copy', () => {
    const got = r.resolve(['- UBND tỉnh (b/c);', 'Sở Tài chính;', 'SỞ TÀI CHÍNH TỈNH KON TUM', 'Như trên;', 'Sở Nội vụ;', '', 'Lưu: VT, KGVX.']);
    expect(got).toEqual([
      { text: '- UBND tỉnh (b/c);', organId: '000.00.00.H34', name: 'Ủy ban nhân dân tỉnh Kon Tum', copyOnly: false },
      { text: 'Sở Tài chính;', organId: 'H34.15', name: 'Sở Tài chính', copyOnly: false },
      { text: 'SỞ TÀI CHÍNH TỈNH KON TUM', organId: null, name: null, copyOnly: false },
      { text: 'Như trên;', organId: null, name: null, copyOnly: false },
      { text: 'Sở Nội vụ;', organId: null, name: null, copyOnly: false },
      { text: 'Lưu: VT, KGVX.', organId: null, name: null, copyOnly: true },
    ]);
    expect(r.agencies().map((a) => a.id)).toEqual(['H34.15', '000.00.00.H34']);
    expect(['Lưu VT', '- Lưu: VT.', 'Lưu hồ sơ'].every(isCopyOnly)).toBe(true);
    expect(['Trung tâm Lưu trữ lịch sử', 'Sở Lưu thông'].some(isCopyOnly)).toBe(false);
  });

  it('takes the clerk\'s picks from the list only, never turns a Lưu copy into a recipient, and needs the clerk\'s word for unresolved ones', () => {
    const fields = { ...emptyFields(), numberNotation: '12/UBND-VP', recipients: ['Như trên;', 'UBND tỉnh', 'Lưu: VT.'] };
    expect(refusal(() => confirmOutgoing(r, fields))).toMatch(/Còn 1 nơi nhận chưa xác định được cơ quan: "Như trên;"/);
    const kept = confirmOutgoing(r, fields, { unresolvedConfirmed: true });
    expect(kept.map((x) => x.organId)).toEqual([null, '000.00.00.H34', null]);
    const picked = confirmOutgoing(r, fields, { recipients: [{ text: 'Như trên;', organId: 'H34.15' }, { text: 'UBND tỉnh', organId: '000.00.00.H34' }, { text: 'Lưu: VT.', organId: 'H34.15' }] });
    expect(picked.map((x) => [x.organId, x.name, x.copyOnly])).toEqual([['H34.15', 'Sở Tài chính', false], ['000.00.00.H34', 'Ủy ban nhân dân tỉnh Kon Tum', false], [null, null, true]]);
    expect(refusal(() => confirmOutgoing(r, fields, { recipients: [{ text: 'Như trên;', organId: '000.00.00.Z99' }], unresolvedConfirmed: true }))).toMatch(/không có trong danh sách/);
    expect(refusal(() => confirmOutgoing(r, { ...fields, recipients: ['Như trên', 'Lưu: VT'] }, { unresolvedConfirmed: true }))).toMatch(/Chưa có nơi nhận nào gửi điện tử được/);
    expect(refusal(() => confirmOutgoing(r, { ...fields, numberNotation: null }))).toMatch(/phải có số, ký hiệu/);
  });
});
