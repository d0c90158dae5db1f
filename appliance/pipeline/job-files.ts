import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { asStorageFull } from '../store/disk-guard.js';
import type { Part, Quarantine } from '../store/quarantine.js';
import { readStateFile, writeStateFile, type StateFileFormat } from '../store/state-file.js';

// The scan jobs' records on disk: <jobsDir>/<jobId>.json, in the versioned 'jobs.job' format. A
// record that cannot be read is set aside with what belongs to that job only (its page images and
// OCR scratch folder, which no other record names), so the clerk's other scans come back.

/** What capture's job ids look like (capture.ts newJobId; its jobDir() refuses anything else). */
const JOB_ID = /^[\w.-]+$/;

export const JOB_FILE: StateFileFormat = {
  format: 'jobs.job',
  check: (d) => {
    const view = d.view as { jobId?: unknown; state?: unknown; pages?: unknown } | undefined;
    return !!view && typeof view.jobId === 'string' && typeof view.state === 'string' && Array.isArray(view.pages) &&
      Array.isArray(d.pages) && Array.isArray(d.ocr);
  },
};

/** Crash-safe (never torn); on a full disk, storage.full in the clerk's words (the old record stays). */
export function saveJobFile(jobsDir: string, jobId: string, rec: object): Promise<void> {
  return writeStateFile(join(jobsDir, `${jobId}.json`), JOB_FILE, rec).catch((err: unknown) => {
    throw asStorageFull(err, 'lưu bản quét');
  });
}

/**
 * Every job record in the folder, in the current format; unreadable ones are set aside together
 * with `belongings(jobId)` (named within the quarantine entry).
 */
export async function readJobFiles<T>(jobsDir: string, quarantine: Quarantine, belongings: (jobId: string) => Part[]): Promise<T[]> {
  const names = await readdir(jobsDir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  const out: T[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const jobId = name.slice(0, -'.json'.length);
    const path = join(jobsDir, name);
    const read = await readStateFile<T & object>(path, JOB_FILE, {
      // a file name that is no job id (not made by this code) takes nothing else with it
      quarantine, store: 'jobs', setAside: { name: jobId, from: [{ from: path, as: name }, ...(JOB_ID.test(jobId) ? belongings(jobId) : [])] },
    });
    if (read.status === 'ok') out.push(read.value);
  }
  return out;
}
