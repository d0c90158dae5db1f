// At most `n` tasks at once (one OCR process or worker per core). Waiting tasks start by priority
// (lower first), then in arrival order: the regions that carry the fields go before the body.
export class Limiter {
  private active = 0;
  private readonly waiting: Array<{ priority: number; go: () => void }> = [];
  constructor(private readonly n: number) {}

  async run<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    if (this.active < this.n) this.active++;
    else {
      // the finishing task hands its slot over directly: nothing can slip in between
      await new Promise<void>((go) => {
        const at = this.waiting.findIndex((o) => o.priority > priority);
        this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { priority, go });
      });
    }
    try { return await task(); } finally {
      const next = this.waiting.shift();
      if (next) next.go(); else this.active--;
    }
  }
}
