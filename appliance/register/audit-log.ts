// Who did what, when, to which document (Lào Cai art. 11.1; Hà Nam art. 18): the records of the
// audit log. The log itself, hash-chained, rotated and verified, is appliance/audit/.

export type AuditAction =
  | 'scanned' | 'corrected' | 'registered' | 'held' | 'signed' | 'sent' | 'delivered' | 'accepted' | 'rejected'
  | 'failed' | 'discarded' | 'deleted' | 'state' | 'token-login' | 'token-logout'
  /** The clerk sent a failed document back through signing/delivery, or asked for delivery now. */
  | 'retried'
  /** Desk sessions (appliance/accounts): a login, a wrong PIN or locked name, a logout or idle end. */
  | 'login' | 'login-failed' | 'logout'
  /** A technician added or removed a person, or set a new PIN (API; the CLI works on users.json). */
  | 'account-added' | 'account-removed' | 'pin-reset'
  /** What happened to the log itself (appliance/audit/notices.ts), and `sohoa restore`. */
  | 'audit-notice' | 'restored'
  /** A received electronic document was opened at the desk (its signatures valid), or refused with the reason (appliance/receive). */
  | 'received' | 'receive-refused'
  /** The register book left the machine: saved onto a USB drive, or printed through CUPS (api/routes-register-export.ts). */
  | 'exported' | 'printed';

export interface AuditRecord {
  at: string;
  actor: string;
  action: AuditAction;
  docId: string | null;
  detail?: Record<string, unknown>;
}
