// A probe of something outside the process (a device, a server) answered from memory for a short
// while: /healthz, /api/status and the fleet's scrapers may ask every few seconds, the device is
// asked at most once per `ttlMs`. Callers that arrive while a probe runs share its answer.

export class CachedProbe<T> {
  private last: { value: T; at: number } | null = null;
  private running: Promise<T> | null = null;

  constructor(private readonly probe: () => Promise<T>, private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get(): Promise<T> {
    if (this.last && this.now() - this.last.at < this.ttlMs) return Promise.resolve(this.last.value);
    if (!this.running) {
      // a probe reports failures as values (a health answer); one that throws is simply asked again next time
      this.running = this.probe()
        .then((value) => { this.last = { value, at: this.now() }; return value; })
        .finally(() => { this.running = null; });
    }
    return this.running;
  }

  /**
   * The last answer at once, however old, while a fresh one is asked for in the background (a
   * metrics scrape must not wait for a hung device); waits only when nothing is known yet.
   */
  latest(): Promise<T> {
    if (!this.last) return this.get();
    void this.get().catch(() => undefined);
    return Promise.resolve(this.last.value);
  }

  /** What is known without asking (e.g. a scan just ran): kept as the answer for the next `ttlMs`. */
  set(value: T): void {
    this.last = { value, at: this.now() };
  }
}
