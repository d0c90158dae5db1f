import { Counter, Histogram, type Registry } from 'prom-client';
import type { EventBus } from '../events.js';
import { DELIVERY_FAILURES } from '../outbox/deliver.js';

// What happened since the service started, counted from the EventBus: every stage publishes its
// events anyway, so no stage knows metrics exist. Counters reset when the service restarts
// (Prometheus' rate() and increase() expect that).

/** Jobs already counted as a scanned document: "Quét tiếp" or a merge extracts a job again. */
const SEEN_LIMIT = 10_000;

export function countEvents(bus: EventBus, registry: Registry): () => void {
  const registers = [registry];
  const scans = new Counter({ name: 'sohoa_scans_total', help: 'Scanner runs, by how they ended (finished, or failed: jam, empty feeder, device error…).', labelNames: ['result'], registers });
  const pages = new Counter({ name: 'sohoa_pages_scanned_total', help: 'Pages the scanner wrote to the spool (blank backs included).', registers });
  const scanned = new Counter({ name: 'sohoa_documents_scanned_total', help: 'Documents read from paper whose fields are ready for the clerk (each document of a batch counts).', registers });
  const registered = new Counter({ name: 'sohoa_documents_registered_total', help: 'Documents registered with an incoming number (số đến).', registers });
  const held = new Counter({ name: 'sohoa_documents_held_secret_total', help: 'Secret documents held as paper only (never sent).', registers });
  const delivered = new Counter({ name: 'sohoa_documents_delivered_total', help: 'Documents the central system accepted (any StatusCode but 02).', registers });
  const attempts = new Counter({ name: 'sohoa_delivery_attempts_total', help: 'Upload attempts to the central system, by outcome: delivered, retry (tried again later), rejected (kept, not retried).', labelNames: ['result'], registers });
  const errors = new Counter({ name: 'sohoa_delivery_errors_total', help: 'Failed upload attempts by kind: network, timeout, auth (401/403), http_4xx, http_5xx, refused (StatusCode 02).', labelNames: ['kind'], registers });
  const uploadTime = new Histogram({ name: 'sohoa_delivery_seconds', help: 'Time of one upload attempt to the central system.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
  const ocrTime = new Histogram({ name: 'sohoa_ocr_page_seconds', help: 'Time to read one scanned page whole by OCR (waiting for a free OCR process included).', buckets: [0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120], registers });
  const signTime = new Histogram({ name: 'sohoa_signing_seconds', help: 'Time to sign one PDF with the agency token and verify the signature.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers });
  const signatures = new Counter({ name: 'sohoa_signatures_total', help: 'Agency signatures, by outcome (ok, or failed: token locked or absent, verification failed…).', labelNames: ['result'], registers });

  // Every label value exists from the start at 0, so a rate over a fresh series is never missing.
  for (const r of ['finished', 'failed']) scans.labels(r).inc(0);
  for (const r of ['delivered', 'retry', 'rejected']) attempts.labels(r).inc(0);
  for (const k of DELIVERY_FAILURES) errors.labels(k).inc(0);
  for (const r of ['ok', 'failed']) signatures.labels(r).inc(0);

  const seen = new Set<string>();
  const off = [
    bus.on('scan.page', () => pages.inc()),
    bus.on('scan.finished', () => scans.labels('finished').inc()),
    bus.on('scan.failed', () => scans.labels('failed').inc()),
    bus.on('job.extracted', (e) => {
      if (seen.has(e.jobId)) return;
      if (seen.size >= SEEN_LIMIT) seen.delete(seen.values().next().value!);
      seen.add(e.jobId);
      scanned.inc();
    }),
    bus.on('document.registered', (e) => (e.held ? held : registered).inc()),
    bus.on('outbox.attempt', (e) => {
      attempts.labels(e.result).inc();
      uploadTime.observe(e.ms / 1000);
      if (e.failure) errors.labels(e.failure).inc();
      else if (e.result === 'delivered') delivered.inc();
    }),
    bus.on('ocr.page', (e) => ocrTime.observe(e.ms / 1000)),
    bus.on('sign.finished', (e) => {
      signatures.labels(e.ok ? 'ok' : 'failed').inc();
      if (e.ok) signTime.observe(e.ms / 1000);
    }),
  ];
  return () => { for (const f of off) f(); };
}
