import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, fieldsOf, scanToReview } from '../helpers/appliance.js';
import { spawnService, writeServiceConfig, type ServiceProcess } from '../helpers/service-process.js';

// Issue 10: the real service (dist/appliance/main.js in its own process) killed with SIGKILL at a
// chosen moment — the instant its register entry lands on disk (before the scan job records it),
// and the instant the outbox records the central system's 01 (before the register learns it) —
// and started again: each document ends delivered once, with one number, nothing left in the spool.

const CLERK = 'Vũ Đức Long';
/** Arrived at the central system: 01 (delivered), or already 03 (accepted) — the service's embedded receiver accepts 2 s after arrival. */
const ARRIVED = ['delivered', 'accepted'];

let dir: string;
let dataDir: string;
let token: DevToken;
let configPath: string;
let service: ServiceProcess | undefined;
let url = '';
const api = apiAs(CLERK, () => url, () => dataDir);

/** What each start-up repaired (rule → document), in the order of the starts: shows which windows the kills hit. */
const repairs: string[][] = [];

async function startService(): Promise<void> {
  service = spawnService(configPath, {}, { limitMs: 600_000 });
  const s = service;
  url = await eventually(async () => /\nSohoa: (http:\/\/\S+)\n/.exec(s.output())?.[1], 'the service to serve', 120_000);
  repairs.push(s.output().split('\n').filter((l) => l.includes('"start-up reconciliation"'))
    .map((l) => JSON.parse(l) as { rule: string; action: string; docId?: string; jobId?: string }).map((r) => `${r.rule} ${r.action} ${r.docId ?? r.jobId ?? ''}`));
  expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
}

/** SIGKILLs the service the moment `ready()` holds after a change in `folder` (checked on every change). */
function killWhen(folder: string, ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const w = watch(folder, { recursive: true }, () => {
      if (!ready()) return;
      service!.child.kill('SIGKILL');
      w.close();
      resolve();
    });
  });
}

const docs = async () => (await api<DocumentView[]>('GET', '/api/documents')).body;
const receivedTimes = async () => {
  const lines = (await readFile(join(dataDir, 'central', 'received.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const count = new Map<string, number>();
  for (const l of lines) {
    const id = (JSON.parse(l) as { documentId: string }).documentId;
    count.set(id, (count.get(id) ?? 0) + 1);
  }
  return count;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-sigkill-'));
  dataDir = join(dir, 'data');
  token = await provisionDevToken(join(dir, 'token'));
  configPath = await writeServiceConfig(dir, token);
}, 180_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the service killed with SIGKILL and started again', () => {
  it('finishes a registration cut off before its job was attached, and a delivery the register never learned', async () => {
    await startService();

    // 1. killed the instant the register entry is written (its number committed)
    const job1 = await scanToReview(api, 180_000);
    const registerDir = join(dataDir, 'register', 'documents');
    const before = new Set(await readdir(registerDir));
    const killed1 = killWhen(registerDir, () => existsSyncList(registerDir).some((n) => n.endsWith('.json') && !before.has(n)));
    void api('POST', `/api/jobs/${job1.jobId}/register`, fieldsOf(job1)).catch(() => undefined);
    await killed1;
    expect(await service!.exited).toBe('SIGKILL');

    await startService();
    const [doc1] = (await docs()).filter((d) => d.arrivalNumber === 1);
    expect(doc1).toBeDefined();
    // the scan is that document now: it cannot take a second number
    const again = await api('POST', `/api/jobs/${job1.jobId}/register`, fieldsOf(job1));
    expect([404, 409]).toContain(again.status);
    await eventually(async () => (ARRIVED.includes((await docs()).find((d) => d.docId === doc1!.docId)?.state ?? '') ? true : undefined), 'document 1 delivered', 180_000);

    // 2. killed the instant the outbox records the receiver's 01
    const job2 = await scanToReview(api, 180_000);
    const outboxDir = join(dataDir, 'outbox', 'items');
    const known = new Set(await readdir(outboxDir));
    const killed2 = killWhen(outboxDir, () => (existsSyncList(outboxDir)).some((n) => !known.has(n) && deliveredOnDisk(join(outboxDir, n, 'state.json'))));
    // (the demo scanner starts its pile again with the service: the clerk's fields make it another document)
    const reg2 = await api<DocumentView>('POST', `/api/jobs/${job2.jobId}/register`, { ...fieldsOf(job2), numberNotation: '659/CCATVSTP', number: '659' });
    expect(reg2.status).toBe(200);
    await killed2;
    expect(await service!.exited).toBe('SIGKILL');

    await startService();
    const after = await docs();
    expect(after.map((d) => d.arrivalNumber).sort()).toEqual([1, 2]);
    for (const d of after) expect(ARRIVED).toContain(d.state);
    // each delivered exactly once, nothing left in the spool or the job list
    const times = await receivedTimes();
    expect([...times.values()]).toEqual([1, 1]);
    expect((await api<JobView[]>('GET', '/api/jobs')).body).toEqual([]);
    await eventually(async () => ((await readdir(join(dataDir, 'spool'))).length === 0 ? true : undefined), 'the spool to be empty', 30_000);
    // what start-up did is in the journal
    expect(service!.output()).toMatch(/start-up reconciliation done/);
    console.info(`start-up repairs after each start: ${JSON.stringify(repairs)}`);
    service!.child.kill('SIGTERM');
    await service!.exited;
  }, 900_000);
});

function existsSyncList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

function deliveredOnDisk(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return /"state":\s*"delivered"/.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}
