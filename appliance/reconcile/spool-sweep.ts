import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Recorder } from './outcome.js';
import type { ReconcileDeps } from './ports.js';

// Files no state owns. Page images and OCR folders of a job with no record (a crash while a job
// was deleted: the record goes first, job-records.ts) are removed: no state can ever show them
// again, and a secret document's pages must not stay. A signed PDF with no register entry is set
// aside, not deleted (its entry may itself lie in the quarantine). An atomic write's temporary
// file is what a crash left of a write that never happened.

/** atomicWrite's temporary sibling: `<name>.tmp-<pid>-<12 hex>`. */
const TEMP = /\.tmp-\d+-[0-9a-f]{12}$/;

async function entries(dir: string): Promise<{ name: string; dir: boolean }[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map((d) => ({ name: d.name, dir: d.isDirectory() }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function sweepSpool(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  const owned = deps.jobs.ownedIds();
  for (const e of await entries(deps.spoolDir)) {
    const path = join(deps.spoolDir, e.name);
    if (owned.has(e.name)) {
      for (const f of await entries(path)) {
        if (await removeTemp(rec, join(path, f.name), f.name)) continue;
        // scanimage's working folder of a run cut off (capture removes it when a run ends)
        if (f.dir && /^scan-\d+$/.test(f.name)) {
          await rec.try({ rule: 'half-written-file', action: 'removed', jobId: e.name, path: join(path, f.name) }, () => rm(join(path, f.name), { recursive: true, force: true }));
        }
      }
      continue;
    }
    await rec.try({ rule: 'orphan-spool', action: 'removed', jobId: e.name, path }, () => rm(path, { recursive: true, force: true }));
  }
  for (const e of await entries(deps.jobsDir)) {
    const path = join(deps.jobsDir, e.name);
    if (e.dir) {
      if (owned.has(e.name)) continue;
      await rec.try({ rule: 'orphan-ocr-folder', action: 'removed', jobId: e.name, path }, () => rm(path, { recursive: true, force: true }));
    } else {
      await removeTemp(rec, path, e.name);
    }
  }
}

export async function sweepDocuments(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  // An entry set aside (unreadable) still owns its PDF: it stays where a repaired entry expects it.
  const setAside = await deps.quarantine.entries('register');
  for (const e of await entries(deps.documentsDir)) {
    const path = join(deps.documentsDir, e.name);
    if (await removeTemp(rec, path, e.name)) continue;
    // (<docId>.pdf, and <docId>.pK.pdf: part K of a document split under 50 MB per file)
    const docId = /^(.+?)(?:\.p\d+)?\.pdf$/.exec(e.name)?.[1];
    if (docId && (deps.register.get(docId) || setAside.some((n) => n.startsWith(`${docId}.json`)))) continue;
    await rec.try({ rule: 'orphan-signed-pdf', action: 'set aside', ...(docId ? { docId } : {}), path }, () =>
      deps.quarantine.setAside('register', e.name, path, 'a signed PDF no register entry names'));
  }
  for (const dir of deps.stateDirs) {
    for (const e of await entries(dir)) if (!e.dir) await removeTemp(rec, join(dir, e.name), e.name);
  }
}

async function removeTemp(rec: Recorder, path: string, name: string): Promise<boolean> {
  if (!TEMP.test(name)) return false;
  await rec.try({ rule: 'half-written-file', action: 'removed', path }, () => rm(path, { recursive: true, force: true }));
  return true;
}
