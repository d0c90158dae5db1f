import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { emptyFields } from '../../appliance/extract/fields.js';
import { stateFileText } from '../../appliance/store/migrations.js';
import { toVnIso, vnYear } from '../../appliance/register/vn-time.js';

// A register of realistic size without registering each document: generated entries written as
// the register writes them (register/documents/<docId>.json, the current format), no index. What
// the first start after an upgrade from a version without the index finds, and what the register
// benchmark (tests/bench/register.ts) starts on.

const ISSUERS = ['ỦY BAN NHÂN DÂN TỈNH LÀO CAI', 'SỞ TÀI CHÍNH TỈNH LÀO CAI', 'BỘ NỘI VỤ', 'VĂN PHÒNG CHÍNH PHỦ', 'SỞ GIÁO DỤC VÀ ĐÀO TẠO', 'CÔNG AN TỈNH HÀ NAM'];
const WORDS = 'về việc triển khai kế hoạch năm đảm bảo an toàn giao thông phòng chống thiên tai công tác cán bộ tổ chức hội nghị tổng kết báo cáo tình hình thực hiện nhiệm vụ quý đề nghị cung cấp thông tin'.split(' ');
const OPEN_STATES = ['registered', 'signed', 'queued', 'delivered', 'failed'] as const;

export interface GeneratedRegister {
  year: number;
  /** Numbers 1..n; the last `open` of them not yet accepted (a day's work still in the desk's hands). */
  openIds: string[];
}

/**
 * Writes `n` incoming register entries of `now`'s year into `<dir>/documents/` (numbers 1..n,
 * arrival dates spread from 1 January to `now`, summaries drawn from a fixed seed): all accepted
 * but the last `open` ones. Issuer i % 6, số ký hiệu `i/UBND-VP`.
 */
export function writeRegisterFiles(dir: string, n: number, opts: { open?: number; now?: Date } = {}): GeneratedRegister {
  const docs = join(dir, 'documents');
  mkdirSync(docs, { recursive: true, mode: 0o700 });
  const now = opts.now ?? new Date();
  const open = opts.open ?? 50;
  const year = vnYear(now);
  const jan1 = Date.UTC(year, 0, 1, 1, 0, 0); // 08:00 +07:00
  const span = Math.max(1, now.getTime() - jan1);
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const openIds: string[] = [];
  for (let i = 1; i <= n; i++) {
    const at = new Date(jan1 + Math.floor((span * (i - 1)) / n));
    const summary = Array.from({ length: 12 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
    const state = i <= n - open ? 'accepted' : OPEN_STATES[i % OPEN_STATES.length]!;
    const docId = `${year}-${String(i).padStart(6, '0')}`;
    if (state !== 'accepted') openIds.push(docId);
    const entry = {
      docId, arrivalNumber: i, arrivalDate: toVnIso(at), receivedAt: toVnIso(at), year,
      fields: { ...emptyFields(), issuer: ISSUERS[i % ISSUERS.length]!, numberNotation: `${i}/UBND-VP`, number: String(i), date: toVnIso(at).slice(0, 10), type: 'Công văn', summary, recipients: ['Như trên;', 'Lưu: VT.'], pages: 2 },
      extras: {}, state,
      history: [{ state: 'registered', at: toVnIso(at), actor: 'bench', detail: null }, { state, at: toVnIso(at), actor: 'bench', detail: null }],
      duplicateOf: null, message: null, registeredBy: 'bench',
    };
    const fd = openSync(join(docs, `${docId}.json`), 'w', 0o600);
    writeSync(fd, stateFileText('register.document', entry, 2) + '\n');
    closeSync(fd);
  }
  return { year, openIds };
}
