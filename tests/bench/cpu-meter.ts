import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

// CPU time of this process and of its children, from /proc/self/stat: utime + stime cover every
// thread of the process (JavaScript, libuv's pool where sharp/libvips decode and resize, the
// eSCL simulator); cutime + cstime every child it has waited for (tesseract, scanimage, zbarimg).
// Unlike wall-clock pages/min this hardly moves with the machine's load (other processes take
// turns on the cores but do not add to our CPU seconds), so it is the figure to compare runs by.

const TICKS_PER_SECOND = 100; // sysconf(_SC_CLK_TCK) on Linux

export interface CpuReading {
  /** utime + stime of this process (all its threads), seconds. */
  self: number;
  /** cutime + cstime: the children waited for, seconds. */
  children: number;
}

export function readCpu(): CpuReading {
  // fields after "(comm) ": state ppid ... utime(14) stime(15) cutime(16) cstime(17), 1-based over the whole line
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return { self: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND, children: (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND };
}

export const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100;

/** The figures between two readings, per page, and the capacity they allow on `cores` cores. */
export function cpuFigures(from: CpuReading, to: CpuReading, pages: number, cores: number): Record<string, number> {
  const self = to.self - from.self; const children = to.children - from.children;
  const perPage = (self + children) / pages;
  const r = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    cpuSeconds: r(self + children, 1), cpuSecondsNode: r(self, 1), cpuSecondsChildren: r(children, 1),
    cpuSecondsPerPage: r(perPage, 3),
    // pages a minute these cores could carry if nothing else ran: cores × 60 s / CPU-s a page
    capacityPagesPerMin: r((cores * 60) / perPage, 1),
  };
}
