// Promise helpers for work that writes into a folder its caller removes afterwards: the caller
// must not hear "failed" while sibling work is still running, or its cleanup races that work.

/** Like Promise.all, but settles only once every promise has: the values, or the first failure (in order). */
export async function allSettledOrThrow<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * Keeps the promises of one unit of work (every read of a document): each is handled from the
 * moment it is tracked (a failure waits, unreported, for whoever consumes it), and `idle()` resolves
 * once all of them — including any tracked meanwhile — have settled.
 */
export class WorkTracker {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = (): void => { this.pending.delete(p); };
    p.then(done, done);
    return p;
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
