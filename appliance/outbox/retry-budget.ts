// One retry budget shared by every send of this desk (a token bucket). A first attempt is free;
// every retry spends a token; when none is left, retries wait for one. Tokens come back one per
// `refillMs`, one per successful send, and all at once when a send succeeds after failures (the
// central system is back: the backlog may go, bounded by the concurrency limit). So a desk with a
// thousand documents queued probes a central system that is down about once per `refillMs`, not
// a thousand times per backoff period — and a fleet coming back does not stampede it.

export class RetryBudget {
  private tokens: number;
  private refilledAt: number;

  constructor(private readonly capacity: number, private readonly refillMs: number, private readonly now: () => number = Date.now) {
    this.tokens = capacity;
    this.refilledAt = now();
  }

  private refill(): void {
    const t = this.now();
    const earned = Math.floor((t - this.refilledAt) / this.refillMs);
    if (earned > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + earned);
      this.refilledAt += earned * this.refillMs;
    }
    if (this.tokens >= this.capacity) this.refilledAt = t;
  }

  /** Spends a token for a retry; false when the budget is empty (the retry waits). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until the next token (0 when one is there). */
  msUntilToken(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.max(1, this.refilledAt + this.refillMs - this.now());
  }

  /** A send succeeded; `recovered`: it followed failures (the budget is full again). */
  success(recovered: boolean): void {
    this.refill();
    this.tokens = recovered ? this.capacity : Math.min(this.capacity, this.tokens + 1);
  }

  available(): number {
    this.refill();
    return this.tokens;
  }
}
