// Opt-in stage timing for the time-to-fields profile (`npm run bench -- extract --profile`).
// Off by default: `span` then costs one branch. When on, every span is recorded with its start and
// end (ms since `profileStart`), so the bench can print where a document's time went.

export interface Span { stage: string; start: number; end: number; detail?: string }

let t0 = 0;
let spans: Span[] | null = null;

/** Starts (or restarts) recording; spans before this call are dropped. */
export function profileStart(): void { t0 = performance.now(); spans = []; }

/** Stops recording and returns what was recorded. */
export function profileStop(): Span[] { const s = spans ?? []; spans = null; return s; }

export const profiling = (): boolean => spans !== null;

/** Times `fn` as `stage` when profiling. */
export async function span<T>(stage: string, fn: () => Promise<T> | T, detail?: string): Promise<T> {
  if (!spans) return fn();
  const start = performance.now() - t0;
  try { return await fn(); } finally { spans?.push({ stage, start: Math.round(start), end: Math.round(performance.now() - t0), ...(detail ? { detail } : {}) }); }
}

/** Records a span measured by the caller (ms since profileStart). */
export function record(stage: string, start: number, end: number, detail?: string): void {
  spans?.push({ stage, start: Math.round(start - t0), end: Math.round(end - t0), ...(detail ? { detail } : {}) });
}

export const now = (): number => performance.now();
