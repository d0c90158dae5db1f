import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobRecords, type JobRecord } from '../../appliance/pipeline/job-records.js';

// A deleted job's record never comes back: a write still in flight when a secret document's or a
// complaint's scan is deleted (the page read whole after its fields) must not land after the delete.
// Nor after the appliance stopped: the next start reads what is on disk then (CI, stop 20: a page
// read whole as the OCR engine closed rewrote a record after the stop).

const dirs: string[] = [];
afterEach(async () => { await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))); });

async function records(): Promise<{ jobs: JobRecords; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-jobrec-'));
  dirs.push(dir);
  const spool = join(dir, 'spool');
  const jobs = new JobRecords({ jobsDir: dir, capture: { discard: async (id: string) => rm(join(spool, id), { recursive: true, force: true }), jobDir: (id: string) => join(spool, id) } });
  return { jobs, dir };
}

const record = (jobId: string): JobRecord => ({
  view: { jobId, state: 'review', startedAt: new Date().toISOString(), pages: [], result: null, error: null, docId: null },
  pages: [], ocr: [{ imagePath: '/x', width: 1, height: 1, dpi: 300, lines: [], text: 'BÍ MẬT NỘI DUNG', confidence: 90, blank: false } as never],
});

const jsonFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.json'));

describe('job records and deletion', () => {
  it('keeps a saved record', async () => {
    const { jobs, dir } = await records();
    const rec = record('job-keep');
    await jobs.save(rec);
    jobs.set(rec);
    expect(await jsonFiles(dir)).toEqual(['job-keep.json']);
  });

  it('a save in flight when the job is deleted does not bring its record back', async () => {
    const { jobs, dir } = await records();
    const rec = record('job-race');
    await jobs.save(rec);
    jobs.set(rec);
    // many writes in flight (the whole-page OCR finishing), then the delete, without awaiting them
    const writes = Array.from({ length: 20 }, () => jobs.save(rec));
    await jobs.delete('job-race');
    await Promise.all(writes);
    expect(await jsonFiles(dir)).toEqual([]);
  });

  it('a save after the delete writes nothing', async () => {
    const { jobs, dir } = await records();
    const rec = record('job-late');
    await jobs.save(rec);
    jobs.set(rec);
    await jobs.delete('job-late');
    await jobs.save(rec);
    expect(await jsonFiles(dir)).toEqual([]);
  });

  it('once closed, writes nothing more; close waits for the write in flight', async () => {
    const { jobs, dir } = await records();
    const rec = record('job-stop');
    const inFlight = jobs.save(rec);
    await jobs.close();
    expect(await jsonFiles(dir)).toEqual(['job-stop.json']);
    await inFlight;
    // what the next start reads is left as it was
    await rm(join(dir, 'job-stop.json'));
    await jobs.save({ ...rec, view: { ...rec.view, state: 'failed' } });
    await jobs.delete('job-stop');
    expect(await jsonFiles(dir)).toEqual([]);
    const other = record('job-after');
    await jobs.save(other);
    expect(await jsonFiles(dir)).toEqual([]);
  });
});
