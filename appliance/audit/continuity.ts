import { AuditLog } from './audit-log.js';
import { EMPTY_TAIL } from './chain.js';
import { readHead, writeHead } from './files.js';
import { bySeq, lastOf, loadChain } from './load.js';

// What `sohoa restore` asks of the audit log: does the backup's log continue the chain this device
// has kept (its head, outside the restored folders)? An older backup would silently take back the
// entries written since; a backup of another device would replace the history. Both are refused
// unless the technician insists (--force), and then recorded in the chain.

export interface Continuity {
  continues: boolean;
  /** The kept head's seq, or null when this data folder has none (a new device). */
  headSeq: number | null;
  /** The backup's last seq (0: no audit log in it). */
  archiveSeq: number;
  /** Why not, in Vietnamese. */
  reason?: string;
  detail?: string;
}

export async function checkContinuity(archiveRegisterDir: string, headPath: string): Promise<Continuity> {
  const read = await readHead(headPath);
  const chain = await loadChain(archiveRegisterDir);
  const archiveSeq = lastOf(chain.entries)?.seq ?? 0;
  if (read.state !== 'ok' || read.head.seq === 0) return { continues: true, headSeq: read.state === 'ok' ? 0 : null, archiveSeq };
  const head = read.head;
  if (archiveSeq < head.seq) {
    return {
      continues: false, headSeq: head.seq, archiveSeq,
      reason: `bản sao lưu cũ hơn nhật ký kiểm tra của máy (nhật ký của bản sao lưu đến mục #${archiveSeq}, máy đã ghi đến mục #${head.seq}): khôi phục sẽ xoá dấu vết ${head.seq - archiveSeq} thao tác gần nhất`,
      detail: `archive audit log ends at seq ${archiveSeq}, kept head is seq ${head.seq}`,
    };
  }
  if (bySeq(chain.entries).get(head.seq)?.entry.hash !== head.hash) {
    return {
      continues: false, headSeq: head.seq, archiveSeq,
      reason: `nhật ký kiểm tra trong bản sao lưu không phải của máy này, hoặc đã bị viết lại (mục #${head.seq} không khớp với đầu chuỗi đã lưu)`,
      detail: `archive entry ${head.seq} does not match the kept head ${head.hash}`,
    };
  }
  return { continues: true, headSeq: head.seq, archiveSeq };
}

/**
 * After the restored folders are in place: a new device takes the backup's head (or the restored
 * log's end), so a later truncation is seen; then the log is opened as the service would (which
 * records a rollback the technician forced) and the restore itself is written into it.
 */
export async function recordRestore(opts: {
  registerDir: string;
  headPath: string;
  /** The backup's own audit-head.json (staging), if it had one. */
  archiveHeadPath: string | null;
  rolledBack: { archive: string; movedAside: string | null } | null;
  detail: Record<string, unknown>;
  at: string;
}): Promise<void> {
  if ((await readHead(opts.headPath)).state !== 'ok') {
    const carried = opts.archiveHeadPath ? await readHead(opts.archiveHeadPath) : null;
    await writeHead(opts.headPath, carried?.state === 'ok' ? carried.head : chainTail(await loadChain(opts.registerDir)));
  }
  const log = new AuditLog({ dir: opts.registerDir, headPath: opts.headPath });
  await log.start(opts.rolledBack ? { rolledBack: opts.rolledBack } : {});
  try {
    await log.append({ at: opts.at, actor: 'system', action: 'restored', docId: null, detail: opts.detail });
  } finally {
    await log.stop();
  }
}

function chainTail(chain: Awaited<ReturnType<typeof loadChain>>) {
  const last = lastOf(chain.entries);
  return last ? { seq: last.seq, hash: last.hash } : EMPTY_TAIL;
}
