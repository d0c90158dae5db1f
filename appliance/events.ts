import { EventEmitter } from 'node:events';
import type { ErrorInfo } from './errors.js';
import type { DocumentFields, ExtractionResult } from './extract/fields.js';
import type { TokenStatus } from '../drivers/token/token.js';
import type { Notice } from './store/quarantine.js';

// The typed event map: every stage publishes here, the API relays it over WebSocket, the UI only
// observes. Payloads are plain JSON (no class instances, no buffers).

export type DocumentState =
  | 'scanning' | 'extracting' | 'review'          // before the clerk confirms
  | 'registered' | 'signing' | 'signed'          // register + token
  | 'queued' | 'sending' | 'delivered'           // outbox
  | 'held-secret' | 'failed' | 'discarded';

/** What observers see of the signing token: the driver's own status, unchanged. */
export type TokenState = TokenStatus;

export interface EventMap {
  'scan.started': { jobId: string; device: string };
  'scan.page': { jobId: string; page: number; imageUrl: string; blank: boolean };
  'scan.finished': { jobId: string; pages: number };
  'scan.failed': { jobId: string; error: ErrorInfo; pagesKept: number };
  'job.extracted': { jobId: string; result: ExtractionResult };
  'job.failed': { jobId: string; error: ErrorInfo };
  /** A batch scan's progress: pages scanned, documents found, documents whose fields are read. */
  'batch.progress': {
    jobId: string;
    state: 'scanning' | 'extracting' | 'split' | 'failed';
    pagesScanned: number;
    found: number;
    documents: string[];
    /** Document jobs of the batch whose fields are extracted (review or failed). */
    extracted: number;
  };
  'document.changed': {
    docId: string;
    arrivalNumber: number | null;
    state: DocumentState;
    fields: DocumentFields;
    message?: string;
    error?: ErrorInfo;
  };
  'outbox.changed': {
    docId: string;
    state: 'queued' | 'sending' | 'delivered' | 'rejected';
    attempts: number;
    nextAttemptAt: string | null;
    statusCode: string | null;
    lastError: string | null;
  };
  'token.changed': TokenState;
  /** Something the desk must show until a person deals with it (a state file set aside). */
  'notice.added': Notice;
}

export type EventName = keyof EventMap;

/** A typed wrapper over EventEmitter; the one bus the composition root hands to every stage. */
export class EventBus {
  private readonly ee = new EventEmitter();

  constructor() {
    this.ee.setMaxListeners(100);
  }

  emit<K extends EventName>(name: K, payload: EventMap[K]): void {
    this.ee.emit(name, payload);
    this.ee.emit('*', name, payload);
  }

  on<K extends EventName>(name: K, fn: (payload: EventMap[K]) => void): () => void {
    this.ee.on(name, fn);
    return () => this.ee.off(name, fn);
  }

  onAny(fn: <K extends EventName>(name: K, payload: EventMap[K]) => void): () => void {
    this.ee.on('*', fn);
    return () => this.ee.off('*', fn);
  }
}
