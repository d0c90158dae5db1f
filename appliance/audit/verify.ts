import { entryHash, GENESIS, type ChainTail } from './chain.js';
import { CURRENT, readHead } from './files.js';
import { bySeq, lastOf, loadChain, type LoadedChain, type Located } from './load.js';
import { NOTICE_ACTION, type AuditNotice } from './notices.js';

// `sohoa audit verify`: walks the chain over every file of the log and says what is wrong, entry
// by entry, in Vietnamese for the technician (message) and English for the log (detail):
//   edited      an entry's content no longer matches its hash, or a link to the entry before it
//               is broken (an entry changed and its hash recomputed)
//   deleted     sequence numbers missing (lines removed from the middle or the start)
//   reordered   an entry found after one with a higher number (lines moved)
//   duplicated  the same entry twice
//   truncated   the chain ends before the kept head (lines removed from the end), or the log
//               recorded at start that it had been found so
//   replaced    the entry at the kept head's number is not the one the head recorded
//   unreadable  a line that is not an entry, a closed file cut mid-line, a changed legacy file
//   head        the kept head file is missing or unreadable (truncation cannot be checked)

export type ProblemKind = 'edited' | 'deleted' | 'reordered' | 'duplicated' | 'truncated' | 'replaced' | 'unreadable' | 'head';

export interface Finding {
  kind: ProblemKind | 'notice';
  seq?: number;
  file?: string;
  line?: number;
  /** Plain Vietnamese, for the technician. */
  message: string;
  /** English, for the log and support. */
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  /** Highest sequence number found (0 for an empty log). */
  lastSeq: number;
  files: string[];
  head: ChainTail | null;
  problems: Finding[];
  notices: Finding[];
}

const at = (l: Located) => `${l.file} dòng ${l.line}`;
const where = (l: Located) => ({ file: l.file, line: l.line });
const range = (a: number, b: number) => (a === b ? `#${a}` : `#${a}–#${b}`);

export interface VerifyOptions {
  /** The register folder holding the log's files. */
  dir: string;
  /** The head this data folder kept. */
  headPath: string;
  /** More heads to hold the log against, e.g. audit-head.json taken out of an older backup. */
  otherHeads?: string[];
}

export async function verifyAudit(opts: VerifyOptions): Promise<VerifyReport> {
  const chain = await loadChain(opts.dir);
  const problems: Finding[] = [];
  const notices: Finding[] = [];
  checkFiles(chain, problems, notices);
  checkEntries(chain.entries, problems);
  checkNotices(chain, problems, notices);

  const last = lastOf(chain.entries);
  const seqs = bySeq(chain.entries);
  const read = await readHead(opts.headPath);
  let head: ChainTail | null = null;
  if (read.state === 'ok') {
    head = { seq: read.head.seq, hash: read.head.hash };
    checkHead(head, 'đầu chuỗi đã lưu', last?.seq ?? 0, seqs, problems);
  } else if (last) {
    problems.push({
      kind: 'head',
      message: read.state === 'missing'
        ? `Không có tệp đầu chuỗi ${opts.headPath}: không kiểm tra được nhật ký có bị cắt bớt các mục cuối hay không.`
        : `Không đọc được tệp đầu chuỗi ${opts.headPath}: không kiểm tra được nhật ký có bị cắt bớt các mục cuối hay không.`,
      detail: read.state === 'missing' ? `no head file ${opts.headPath}` : read.reason,
    });
  }
  // Heads kept elsewhere (one from an older backup): the log must still hold what each recorded.
  for (const path of opts.otherHeads ?? []) {
    const other = await readHead(path);
    if (other.state !== 'ok') throw new Error(`${path}: not an audit head file (${other.state === 'missing' ? 'missing' : other.reason})`);
    checkHead(other.head, `đầu chuỗi trong ${path}`, last?.seq ?? 0, seqs, problems);
  }
  problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { ok: problems.length === 0, entries: chain.entries.length, lastSeq: last?.seq ?? 0, files: chain.files, head, problems, notices };
}

function checkHead(head: ChainTail, what: string, lastSeq: number, seqs: Map<number, Located>, problems: Finding[]): void {
  if (lastSeq < head.seq) {
    problems.push({
      kind: 'truncated', seq: lastSeq + 1,
      message: `Nhật ký bị cắt ngắn: chỉ còn đến mục #${lastSeq}, nhưng ${what} là mục #${head.seq} — mất ${head.seq - lastSeq} mục cuối (${range(lastSeq + 1, head.seq)}).`,
      detail: `chain ends at seq ${lastSeq}, head (${what}) is seq ${head.seq}: entries ${lastSeq + 1}..${head.seq} removed`,
    });
  } else if (head.seq > 0 && seqs.get(head.seq)?.entry.hash !== head.hash) {
    const l = seqs.get(head.seq);
    problems.push({
      kind: 'replaced', seq: head.seq, ...(l ? where(l) : {}),
      message: `Mục #${head.seq} không phải mục mà ${what} ghi nhận: lịch sử nhật ký đã bị thay thế hoặc viết lại.`,
      detail: `entry ${head.seq} hash ${l?.entry.hash ?? '(missing)'} differs from the head (${what}) ${head.hash}`,
    });
  }
}

function checkFiles(chain: LoadedChain, problems: Finding[], notices: Finding[]): void {
  for (const u of chain.unreadable) {
    problems.push({
      kind: 'unreadable', file: u.file, line: u.line,
      message: `Dòng ${u.line} của ${u.file} không phải là một mục nhật ký (không đọc được hoặc thiếu số thứ tự, mã băm).`,
      detail: `${u.file}:${u.line} is not a chain entry: ${u.text}`,
    });
  }
  for (const t of chain.torn) {
    if (t.file === CURRENT) {
      notices.push({
        kind: 'notice', file: t.file,
        message: `Dòng cuối của ${t.file} chưa ghi xong (${t.bytes} byte): đang được ghi, hoặc bị mất điện khi ghi; dịch vụ để riêng nó khi khởi động lại.`,
        detail: `${t.file} ends with ${t.bytes} bytes after the last newline`,
      });
    } else {
      problems.push({
        kind: 'unreadable', file: t.file,
        message: `Tệp đã đóng ${t.file} kết thúc giữa chừng một dòng (${t.bytes} byte): tệp đã bị sửa hoặc cắt.`,
        detail: `closed segment ${t.file} ends with ${t.bytes} bytes after the last newline`,
      });
    }
  }
}

function checkEntries(entries: readonly Located[], problems: Finding[]): void {
  const first = bySeq(entries);
  // Order as found: each entry must come after every lower number.
  let highest: Located | null = null;
  /** Entries whose content matches their own hash. */
  const intact = new Set<Located>();
  for (const l of entries) {
    const { entry } = l;
    const computed = entryHash(entry);
    if (computed === entry.hash) intact.add(l);
    else {
      problems.push({
        kind: 'edited', seq: entry.seq, ...where(l),
        message: `Mục #${entry.seq} đã bị sửa: nội dung không còn khớp với mã băm của nó (${at(l)}).`,
        detail: `seq ${entry.seq} (${l.file}:${l.line}): content hash ${computed} != recorded ${entry.hash}`,
      });
    }
    const original = first.get(entry.seq)!;
    if (original !== l) {
      const same = original.entry.hash === entry.hash;
      problems.push({
        kind: same ? 'duplicated' : 'edited', seq: entry.seq, ...where(l),
        message: same
          ? `Mục #${entry.seq} xuất hiện hai lần (${at(original)} và ${at(l)}).`
          : `Có hai mục cùng số #${entry.seq} với nội dung khác nhau (${at(original)} và ${at(l)}): một mục đã bị thêm hoặc sửa.`,
        detail: `seq ${entry.seq} appears again at ${l.file}:${l.line}${same ? '' : ' with different content'}`,
      });
    } else if (highest && entry.seq < highest.entry.seq) {
      problems.push({
        kind: 'reordered', seq: entry.seq, ...where(l),
        message: `Mục #${entry.seq} nằm sau mục #${highest.entry.seq}: thứ tự các mục đã bị đảo (${at(l)}).`,
        detail: `seq ${entry.seq} at ${l.file}:${l.line} comes after seq ${highest.entry.seq}`,
      });
    }
    if (!highest || entry.seq > highest.entry.seq) highest = l;
  }

  // Numbers: 1, 2, 3… with nothing missing; each entry names the hash of the one before it.
  const seqs = [...first.keys()].sort((a, b) => a - b);
  let expected = 1;
  for (const seq of seqs) {
    if (seq > expected) {
      problems.push({
        kind: 'deleted', seq: expected,
        message: `Thiếu mục ${range(expected, seq - 1)}: ${seq - expected === 1 ? 'mục này đã' : `${seq - expected} mục này đã`} bị xoá khỏi nhật ký.`,
        detail: `entries ${expected}..${seq - 1} are missing`,
      });
    }
    expected = seq + 1;
  }
  for (const l of entries) {
    const seq = l.entry.seq;
    const before = seq === 1 ? null : first.get(seq - 1);
    if (seq === 1 && l.entry.prev !== GENESIS) {
      problems.push({
        kind: 'edited', seq, ...where(l),
        message: `Mục #1 không phải là mục đầu tiên của chuỗi (${at(l)}): các mục đầu đã bị xoá và đánh số lại.`,
        detail: `seq 1 has prev ${l.entry.prev}, expected the genesis value`,
      });
    } else if (before && before.entry.hash !== l.entry.prev && intact.has(l) && intact.has(before)) {
      // Both entries match their own hashes, yet do not link: one was changed and rehashed.
      problems.push({
        kind: 'edited', seq: seq - 1, ...where(before),
        message: `Liên kết giữa mục #${seq - 1} (${at(before)}) và mục #${seq} bị đứt: một trong hai mục đã bị sửa rồi tính lại mã băm.`,
        detail: `seq ${seq} records prev ${l.entry.prev}, but seq ${seq - 1} hashes to ${before.entry.hash}`,
      });
    }
  }
}

function checkNotices(chain: LoadedChain, problems: Finding[], notices: Finding[]): void {
  const anchored = new Set<string>();
  for (const { entry } of chain.entries) {
    if (entry.action !== NOTICE_ACTION || !entry.detail) continue;
    const n = entry.detail as unknown as AuditNotice;
    const seq = entry.seq;
    switch (n.kind) {
      case 'behind-head':
        problems.push({
          kind: 'truncated', seq,
          message: `Mục #${seq} ghi lại rằng khi khởi động, nhật ký chỉ còn đến mục #${n.foundSeq} trong khi đầu chuỗi đã lưu là #${n.headSeq}: các mục cuối khi đó đã bị mất.`,
          detail: `recorded at seq ${seq}: log found at seq ${n.foundSeq}, kept head was seq ${n.headSeq} (${n.headHash})`,
        });
        break;
      case 'rolled-back':
        notices.push({
          kind: 'notice', seq,
          message: `Mục #${seq}: kỹ thuật viên đã khôi phục (--force) từ bản sao lưu không nối tiếp nhật ký trước đó (đầu chuỗi #${n.headSeq}, bản sao lưu đến #${n.foundSeq})${n.movedAside ? `; nhật ký cũ được giữ trong ${n.movedAside}` : ''}.`,
          detail: `restore --force of ${n.archive} at seq ${seq}: kept head ${n.headSeq}, archive ends at ${n.foundSeq}, old data moved to ${n.movedAside ?? '(nothing)'}`,
        });
        break;
      case 'torn-line':
        notices.push({
          kind: 'notice', seq,
          message: `Mục #${seq}: khi khởi động, dòng cuối của ${n.file} bị ghi dở (${n.bytes} byte, mất điện khi đang ghi); nó được cắt ra và lưu nguyên văn trong mục này.`,
          detail: `torn line of ${n.bytes} bytes in ${n.file} set aside at seq ${seq}`,
        });
        break;
      case 'head-missing':
        notices.push({
          kind: 'notice', seq,
          message: `Mục #${seq}: khi khởi động, tệp đầu chuỗi bị thiếu hoặc hỏng và đã được ghi lại.`,
          detail: `head file recreated at seq ${seq}: ${n.reason}`,
        });
        break;
      case 'legacy': {
        anchored.add(n.file);
        const file = chain.legacy.find((f) => f.file === n.file);
        if (!file) {
          problems.push({
            kind: 'deleted', seq, file: n.file,
            message: `Tệp nhật ký cũ ${n.file} (niêm phong ở mục #${seq}) không còn nữa: đã bị xoá.`,
            detail: `legacy file ${n.file} anchored at seq ${seq} is missing`,
          });
        } else if (file.sha256 !== n.sha256 || file.bytes !== n.bytes) {
          problems.push({
            kind: 'edited', seq, file: n.file,
            message: `Tệp nhật ký cũ ${n.file} đã bị sửa kể từ khi được niêm phong ở mục #${seq}.`,
            detail: `legacy file ${n.file}: sha256 ${file.sha256} (${file.bytes} bytes), anchored ${n.sha256} (${n.bytes} bytes)`,
          });
        }
        break;
      }
    }
  }
  for (const f of chain.legacy) {
    if (anchored.has(f.file)) continue;
    problems.push({
      kind: 'unreadable', file: f.file,
      message: `Tệp ${f.file} không được niêm phong trong chuỗi nhật ký: không biết nó từ đâu ra.`,
      detail: `legacy file ${f.file} is not anchored by any entry`,
    });
  }
}
