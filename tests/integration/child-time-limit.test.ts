import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { DEBIAN_TESSDATA } from '../../appliance/ocr/create-engine.js';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { ProcessError, runProcess } from '../../appliance/util/run-process.js';
import { SohoaError } from '../../appliance/errors.js';

// Every child process has a time limit (issue 8). A real process that hangs — a shell script that
// ignores SIGTERM and keeps starting `sleep` children — stands in for a wedged tesseract or
// scanimage: at its limit the whole process group gets SIGTERM, then SIGKILL, and the unit of work
// fails with a SohoaError in Vietnamese. The product code is unchanged: only the binary's path is.

const PAGE = join(import.meta.dirname, '../fixtures/extract/pages/clean-thong-bao.png');
let dir: string;

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-time-limit-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** A program that writes its pid to `pidFile`, ignores SIGTERM and never ends on its own. */
async function hangingProgram(name: string): Promise<{ path: string; pidFile: string }> {
  const path = join(dir, name);
  const pidFile = join(dir, `${name}.pid`);
  await writeFile(path, `#!/bin/sh\necho $$ > '${pidFile}'\ntrap '' TERM\nwhile :; do sleep 1; done\n`);
  await chmod(path, 0o755);
  return { path, pidFile };
}

/** Processes (not zombies) whose process group is `pgid`, from /proc. */
async function liveInGroup(pgid: number): Promise<number[]> {
  const live: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try { stat = readFileSync(join('/proc', name, 'stat'), 'utf8'); } catch { continue; }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses: split after the last ')'
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') live.push(Number(name));
  }
  return live;
}

describe('a hung child process is killed at its limit', () => {
  it('tesseract: the page fails with ocr.engine in Vietnamese, the process and its children are gone', async () => {
    const hung = await hangingProgram('tesseract');
    const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 1, command: hung.path, pageTimeoutMs: 1500 });
    try {
      const err = await engine.recognize(PAGE, { workDir: dir }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(SohoaError);
      expect((err as SohoaError).code).toBe('ocr.engine');
      expect((err as SohoaError).vi).toMatch(/Nhận dạng chữ quá lâu \(quá 2 giây\)/);
      expect((err as SohoaError).message).toMatch(/time limit/);
      const pid = Number((await readFile(hung.pidFile, 'utf8')).trim());
      expect(pid).toBeGreaterThan(1);
      // it ignored SIGTERM; SIGKILL ended it, and the sleeps it started went with its group
      expect(await liveInGroup(pid)).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('scanimage: a query to a device that never answers fails the probe as "Máy quét không phản hồi"', async () => {
    const hung = await hangingProgram('scanimage');
    const scanner = new SaneScanner({ device: 'test:0', scanimage: hung.path, queryTimeoutMs: 1000 });
    const err = await scanner.probe().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    expect((err as SohoaError).code).toBe('scanner.device');
    expect((err as SohoaError).vi).toMatch(/Máy quét không phản hồi/);
    const pid = Number((await readFile(hung.pidFile, 'utf8')).trim());
    expect(await liveInGroup(pid)).toEqual([]);
  });

  it('runProcess: output of a child that ends in time; ProcessError kinds for a failure and a missing program', async () => {
    const ok = await runProcess('sh', ['-c', 'cat; echo done >&2'], { timeoutMs: 30_000, stdin: Buffer.from('hello') });
    expect(ok.stdout.toString()).toBe('hello');
    expect(ok.stderr).toBe('done');
    const failed = await runProcess('sh', ['-c', 'echo first >&2; echo "the reason" >&2; exit 3'], { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProcessError);
    expect(failed).toMatchObject({ kind: 'exit', exitCode: 3 });
    expect((failed as Error).message).toBe('sh exited 3: the reason');
    const missing = await runProcess(join(dir, 'no-such-program'), [], { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'spawn' });
  });

  it('tesseract runs at the configured niceness, below the service (the scanner and the screen come first)', async () => {
    // a tesseract that notes its own niceness, then reads the page as the real one
    const path = join(dir, 'tesseract-nice');
    const niceFile = join(dir, 'tesseract.nice');
    await writeFile(path, `#!/bin/sh\nsleep 0.2\nps -o ni= -p $$ >> '${niceFile}'\nexec tesseract "$@"\n`);
    await chmod(path, 0o755);
    const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 1, command: path, niceness: 10 });
    try {
      const page = await engine.recognize(PAGE);
      expect(page.lines.length).toBeGreaterThan(5);
    } finally { await engine.close(); }
    const seen = (await readFile(niceFile, 'utf8')).trim().split(/\s+/).map(Number);
    expect(seen.length).toBeGreaterThan(0);
    // (a test run already nicer than 10 cannot make its child less nice)
    expect(seen.every((n) => n === Math.max(10, getPriority()))).toBe(true);
    const plain = await runProcess('sh', ['-c', 'sleep 0.2; ps -o ni= -p $$'], { timeoutMs: 30_000 });
    expect(Number(plain.stdout.toString().trim())).toBe(getPriority());
  });
});
