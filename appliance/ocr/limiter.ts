// At most `n` tasks at once (one OCR process or worker per core).
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly n: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((res) => this.waiting.push(res));
    this.active++;
    try { return await task(); } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
