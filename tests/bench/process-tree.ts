import { readFileSync, readdirSync } from 'node:fs';

// CPU time and memory of a process and all its descendants, from /proc: what a service costs
// while it idles. PSS (proportional set size) divides shared pages among the processes that share
// them, so the sum over Chromium's many processes is not inflated the way summed RSS is.

const TICKS_PER_SECOND = 100; // sysconf(_SC_CLK_TCK) on Linux

export interface TreeSample {
  /** Date.now() of the sample. */
  at: number;
  /** utime + stime of every live process of the tree, in seconds. */
  cpuSeconds: number;
  rssMb: number;
  pssMb: number;
  processes: number;
}

function children(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch { /* exited meanwhile */ }
  }
  return kids;
}

function field(text: string, name: string): number {
  return Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

/** One sample of the tree rooted at `root` (the root included). */
export function sampleTree(root: number): TreeSample {
  const kids = children();
  const pids: number[] = [];
  const todo = [root];
  while (todo.length) {
    const p = todo.pop()!;
    pids.push(p);
    todo.push(...(kids.get(p) ?? []));
  }
  let ticks = 0; let rssKb = 0; let pssKb = 0; let processes = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(stat[11]) + Number(stat[12]); // utime, stime (fields 14 and 15)
      rssKb += field(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      pssKb += field(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      processes++;
    } catch { /* exited meanwhile */ }
  }
  return { at: Date.now(), cpuSeconds: ticks / TICKS_PER_SECOND, rssMb: rssKb / 1024, pssMb: pssKb / 1024, processes };
}

export interface IdleFigures {
  /** CPU over the window, in % of one core. */
  cpuPct: number;
  rssMbMean: number;
  rssMbMax: number;
  pssMbMean: number;
  processes: number;
}

/** Samples every second between `first` and `last` and summarises. */
export function summarise(samples: TreeSample[]): IdleFigures {
  const first = samples[0]!; const last = samples[samples.length - 1]!;
  const mean = (f: (s: TreeSample) => number) => samples.reduce((a, s) => a + f(s), 0) / samples.length;
  const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    cpuPct: round(((last.cpuSeconds - first.cpuSeconds) / ((last.at - first.at) / 1000)) * 100, 2),
    rssMbMean: round(mean((s) => s.rssMb)),
    rssMbMax: round(Math.max(...samples.map((s) => s.rssMb))),
    pssMbMean: round(mean((s) => s.pssMb)),
    processes: last.processes,
  };
}
