// A promise whose work starts later, once, when asked (or never): how a new single job holds its
// first page back until it knows whether it will be read fields first (alone) or whole (not
// alone). A generic helper of its own so the scanner run in scan-jobs.ts stays about the scan.

export interface Deferred<T> {
  promise: Promise<T>;
  started: boolean;
  start(work: () => Promise<T>): void;
}

/** A promise whose work starts later, once, when asked (or never). */
export function deferred<T>(): Deferred<T> {
  let settle!: (p: Promise<T>) => void;
  const promise = new Promise<T>((resolve) => { settle = resolve; });
  promise.catch(() => {}); // the work's own promise (readPage) reports a failure; this one waits for a consumer
  const d = {
    promise, started: false,
    start(work: () => Promise<T>): void { if (d.started) return; d.started = true; settle(work()); },
  };
  return d;
}
