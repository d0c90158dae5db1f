import { Gauge, type Registry } from 'prom-client';
import type { TokenStatus } from '../../drivers/token/token.js';
import type { DocumentState } from '../events.js';
import { diskSpace } from '../health/disk-space.js';
import { OUTBOX_STATES as ALL_OUTBOX_STATES, type OutboxItem, type OutboxState } from '../outbox/store.js';
import type { RegisterEntry } from '../register/register.js';

// How things are right now, read from the stages when Prometheus scrapes (nothing is kept here):
// the queue, the register, the token, the disk, the spool, and whether scanner and central answer.

export interface MetricSources {
  outbox(): Pick<OutboxItem, 'state' | 'enqueuedAt' | 'deliveredAt'>[];
  /** The register's open documents (not in a final state). */
  documents(): Pick<RegisterEntry, 'state' | 'receivedAt'>[];
  /** How many documents the register holds in each state (all of them, final ones included). */
  documentCounts(): Partial<Record<DocumentState, number>>;
  /** Pages in the scan spool: scanned, not yet filed or discarded. */
  spoolPages(): number;
  token(): TokenStatus;
  /** The data folder (its file system's space). */
  dataDir: string;
  /** The health probes' last answers (a scrape neither waits for a hung scanner nor makes it work harder). */
  health: { latest(): Promise<{ scanner: { ok: boolean }; central: { ok: boolean } }> };
}

const OUTBOX_STATES: readonly OutboxState[] = ALL_OUTBOX_STATES;
/** The states a register entry takes (scanning → review happen before a document is in the register). */
const DOCUMENT_STATES: DocumentState[] = ['registered', 'signing', 'signed', 'queued', 'sending', 'delivered', 'accepted', 'rejected', 'held-secret', 'failed', 'discarded'];
/** Registered but not yet in the delivery queue: waiting to be signed (the token) or packaged. */
const UNSENT: ReadonlySet<DocumentState> = new Set(['registered', 'signing', 'signed']);

export type TokenGaugeState = 'absent' | 'error' | 'pin_locked' | 'locked' | 'unlocked';
const TOKEN_STATES: TokenGaugeState[] = ['absent', 'error', 'pin_locked', 'locked', 'unlocked'];

/** One name for the token's state: locked = present, waiting for a person's PIN. */
export function tokenGaugeState(s: TokenStatus): TokenGaugeState {
  if (s.pinLocked) return 'pin_locked';
  if (s.error && s.error.code !== 'token.absent') return 'error';
  if (!s.present) return 'absent';
  return s.loggedIn ? 'unlocked' : 'locked';
}

const ageSeconds = (iso: string, now: number) => Math.max(0, (now - Date.parse(iso)) / 1000);

export function stateGauges(src: MetricSources, registry: Registry): void {
  const registers = [registry];
  new Gauge({
    name: 'sohoa_outbox_documents', help: 'Documents in the delivery queue by state (delivered and rejected ones stay on disk).', labelNames: ['state'], registers,
    collect() {
      const items = src.outbox();
      for (const s of OUTBOX_STATES) this.set({ state: s }, items.filter((i) => i.state === s).length);
    },
  });
  new Gauge({
    name: 'sohoa_outbox_oldest_queued_age_seconds', help: 'How long the oldest document waiting in the delivery queue has waited (0 when none waits).', registers,
    collect() {
      const now = Date.now();
      this.set(Math.max(0, ...src.outbox().filter((i) => i.state === 'queued' || i.state === 'sending').map((i) => ageSeconds(i.enqueuedAt, now))));
    },
  });
  new Gauge({
    name: 'sohoa_last_delivery_timestamp_seconds', help: 'When the central system last accepted a document (Unix time; 0 = never).', registers,
    collect() {
      this.set(Math.max(0, ...src.outbox().map((i) => (i.deliveredAt ? Date.parse(i.deliveredAt) / 1000 : 0))));
    },
  });
  new Gauge({
    name: 'sohoa_register_documents', help: 'Documents in the register by state.', labelNames: ['state'], registers,
    collect() {
      const counts = src.documentCounts();
      for (const s of DOCUMENT_STATES) this.set({ state: s }, counts[s] ?? 0);
    },
  });
  new Gauge({
    name: 'sohoa_register_oldest_unsent_age_seconds', help: 'How long the oldest registered document not yet in the delivery queue (waiting for the token or signing) has waited (0 when none).', registers,
    collect() {
      const now = Date.now();
      this.set(Math.max(0, ...src.documents().filter((d) => UNSENT.has(d.state)).map((d) => ageSeconds(d.receivedAt, now))));
    },
  });
  new Gauge({
    name: 'sohoa_token_state', help: 'The signing token: 1 for its current state (absent, error, pin_locked, locked = waiting for the PIN, unlocked), 0 for the others.', labelNames: ['state'], registers,
    collect() {
      const now = tokenGaugeState(src.token());
      for (const s of TOKEN_STATES) this.set({ state: s }, s === now ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sohoa_spool_pages', help: 'Scanned pages held in the spool (not yet filed or discarded).', registers,
    collect() { this.set(src.spoolPages()); },
  });
  new Gauge({
    name: 'sohoa_data_disk_free_bytes', help: 'Free space for the service on the file system of the data folder.', registers,
    async collect() { this.set((await diskSpace(src.dataDir).catch(() => null))?.freeBytes ?? Number.NaN); },
  });
  new Gauge({
    name: 'sohoa_data_disk_size_bytes', help: 'Size of the file system of the data folder.', registers,
    async collect() { this.set((await diskSpace(src.dataDir).catch(() => null))?.sizeBytes ?? Number.NaN); },
  });
  new Gauge({
    name: 'sohoa_scanner_up', help: 'The scanner answers (1) or not (0): the health probe of the SANE device, or the last scan.', registers,
    async collect() { this.set((await src.health.latest()).scanner.ok ? 1 : 0); },
  });
  new Gauge({
    name: 'sohoa_central_up', help: 'The central system answers its /healthz (1) or not (0).', registers,
    async collect() { this.set((await src.health.latest()).central.ok ? 1 : 0); },
  });
}
