import { EventEmitter } from 'node:events';
import type { ErrorInfo } from './errors.js';
import type { DocumentFields, ExtractionResult } from './extract/fields.js';
import type { TokenStatus } from '../drivers/token/token.js';
import type { DeliveryFailure } from './outbox/deliver.js';
import type { Notice } from './store/quarantine.js';

// The typed event map: every stage publishes here, the API relays it over WebSocket, the UI only
// observes. Payloads are plain JSON (no class instances, no buffers).

export type DocumentState =
  | 'scanning' | 'extracting' | 'review'          // before the clerk confirms
  | 'registered' | 'signing' | 'signed'          // register + token
  | 'queued' | 'sending' | 'delivered'           // outbox; delivered = arrived (central said 01)
  | 'accepted' | 'rejected'                      // central's final word: 03 accepted, 02 rejected (reason in message)
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
    state: 'queued' | 'sending' | 'held' | 'delivered' | 'accepted' | 'rejected';
    attempts: number;
    nextAttemptAt: string | null;
    statusCode: string | null;
    lastError: string | null;
  };
  'token.changed': TokenState;
  // Measurements, published by the stage that does the work (appliance/metrics counts them).
  /** A document took a số đến, or was held as secret (no number). Once per document. */
  'document.registered': { docId: string; held: boolean };
  /** One page read whole by OCR, from the page's file to its words (queue wait included). */
  'ocr.page': { jobId: string; ms: number };
  /** One agency signature made and verified (ok), or refused by the token or the check. */
  'sign.finished': { ok: boolean; ms: number; level: string | null };
  /** One upload attempt and how it ended; `failure` names what went wrong (null when accepted). */
  'outbox.attempt': { docId: string; result: 'delivered' | 'retry' | 'rejected'; failure: DeliveryFailure | null; ms: number };
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
