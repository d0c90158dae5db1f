// Runs the writes of one thing (a job's record, an outbox item) one after another, in call order,
// each after the one before has settled (succeeded or failed); different keys run side by side.
// A write that began from an older state can then never land after a newer one.

export class PerKeyOrder {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, write: () => Promise<void>): Promise<void> {
    const next = (this.tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(write);
    this.tails.set(key, next);
    void next.catch(() => undefined).finally(() => { if (this.tails.get(key) === next) this.tails.delete(key); });
    return next;
  }

  /** Settles once every write called so far has settled (those called meanwhile included). */
  async settled(): Promise<void> {
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()]);
  }
}
