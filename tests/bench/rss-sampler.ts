import { readFileSync, readdirSync } from 'node:fs';

// Peak resident memory of a process tree (by default this process) — the process plus all its
// descendants (native tesseract, ocrmypdf and its tesseract/ghostscript children), summed VmRSS
// sampled from /proc every 50 ms (the tree found again every 250 ms): process.resourceUsage()
// alone would miss the children. A child that lives less than ~250 ms can be missed; tesseract
// runs for ~0.3-2 s per band or page.

function rssKb(pid: number): number {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}

function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { parent.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])); } catch { /* gone */ }
  }
  const out: number[] = []; const todo = [root];
  while (todo.length) {
    const p = todo.pop()!;
    for (const [c, pp] of parent) if (pp === p) { out.push(c); todo.push(c); }
  }
  return out;
}

export class RssSampler {
  peakMb = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly root = process.pid) {}

  start(): void {
    // The whole of /proc is scanned for the tree 4 times a second, the tree's RSS read 20 times:
    // scanning /proc every 50 ms took ~5 % of the service's event loop (this runs in its process).
    let tree: number[] = [];
    let scanned = 0;
    const sample = (): void => {
      const now = Date.now();
      if (now - scanned >= 250) { tree = descendants(this.root); scanned = now; }
      const kb = rssKb(this.root) + tree.reduce((s, p) => s + rssKb(p), 0);
      this.peakMb = Math.max(this.peakMb, kb / 1024);
    };
    sample();
    this.timer = setInterval(sample, 50);
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    return Math.round(this.peakMb);
  }
}

export function argValue(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
