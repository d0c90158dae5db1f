import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

// Who did what, when, to which document (Lào Cai art. 11.1; Hà Nam art. 18): append-only JSON
// lines, each fsynced before the action is reported done. Never rewritten, never holds a PIN.

export type AuditAction =
  | 'scanned' | 'corrected' | 'registered' | 'held' | 'signed' | 'sent' | 'delivered' | 'rejected'
  | 'failed' | 'discarded' | 'deleted' | 'state' | 'token-login' | 'token-logout'
  /** The clerk sent a failed document back through signing/delivery, or asked for delivery now. */
  | 'retried'
  /** Desk sessions (appliance/accounts): a login, a wrong PIN or locked name, a logout or idle end. */
  | 'login' | 'login-failed' | 'logout';

export interface AuditRecord {
  at: string;
  actor: string;
  action: AuditAction;
  docId: string | null;
  detail?: Record<string, unknown>;
}

export class AuditLog {
  private fh: FileHandle | null = null;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async start(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.fh = await open(this.path, 'a');
  }

  async stop(): Promise<void> {
    await this.tail;
    await this.fh?.close();
    this.fh = null;
  }

  /** Appends one line and fsyncs it; lines from concurrent callers never interleave. */
  append(rec: AuditRecord): Promise<void> {
    const fh = this.fh;
    if (!fh) return Promise.reject(new Error('audit log not started'));
    const line = JSON.stringify(rec) + '\n';
    const write = this.tail.then(async () => {
      await fh.appendFile(line);
      await fh.sync();
    });
    this.tail = write.catch(() => undefined);
    return write;
  }

  async read(): Promise<AuditRecord[]> {
    await this.tail;
    const text = await readFile(this.path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
  }
}
