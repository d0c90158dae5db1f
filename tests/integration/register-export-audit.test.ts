import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { silentLogger } from '../../appliance/log.js';
import { apiAs, auditLog, testConfig } from '../helpers/appliance.js';
import { provisionDevToken } from '../helpers/dev-token.js';
import { writeMountTable } from '../helpers/mount-table.js';
import { writeRegisterFiles } from '../helpers/register-files.js';

// The register book leaving the machine is in the tamper-evident audit log: "Xuất ra USB" (who,
// which range and search, how many entries, which drive, file and format) and "In ra máy in" (who,
// what, how many entries, the print job). The appliance on loopback with a register of 40
// generated documents, a USB drive named in a mount table (a test folder), and, since this machine
// has no CUPS, an `lp` on PATH that takes the PDF as CUPS' client would and answers with a job id.

const CLERK = 'Lê Văn Tâm';
let work: string;
let config: Config;
let app: RunningAppliance;
let drive: string;
let printed: string;
let savedPath: string | undefined;
const api = apiAs(CLERK, () => app.url, () => config.dataDir);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sohoa-export-audit-'));
  const dev = await provisionDevToken();
  config = await testConfig(dev, join(work, 'data'));
  writeRegisterFiles(join(config.dataDir, 'register'), 40, { open: 0, now: new Date('2026-06-30T10:00:00+07:00') });
  drive = join(work, 'media', 'USB KINGSTON');
  await mkdir(drive, { recursive: true });
  const mountTable = await writeMountTable(join(work, 'mounts'), [drive]);
  const bin = join(work, 'bin');
  await mkdir(bin);
  printed = join(work, 'printed.pdf');
  await writeFile(join(bin, 'lp'), `#!/bin/sh\ncat > '${printed}'\necho 'request id is HP-LaserJet-17 (1 file(s))'\n`);
  await chmod(join(bin, 'lp'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
  app = await startAppliance({ ...config, register: { ...config.register, exportRoots: [join(work, 'media')] } }, { log: silentLogger(), mountTable });
}, 180_000);

afterAll(async () => {
  process.env.PATH = savedPath;
  await app?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('the register book leaving the machine is audited', () => {
  it('records who saved which part of the book onto which USB drive, how many entries, in which file', async () => {
    const res = await api<{ drive: string; file: string; bytes: number }>('POST', '/api/register/export', { format: 'csv', from: '2026-01-01', to: '2026-03-31' });
    expect(res.status).toBe(200);
    expect(await readFile(join(drive, res.body.file), 'utf8')).toContain('UBND-VP');
    const all = await api<{ total: number }>('GET', '/api/register?from=2026-01-01&to=2026-03-31');
    expect(all.body.total).toBeGreaterThan(0);
    expect(all.body.total).toBeLessThan(40);

    const rec = (await auditLog(config.dataDir)).filter((r) => r.action === 'exported');
    expect(rec).toHaveLength(1);
    expect(rec[0]).toMatchObject({
      actor: CLERK, docId: null,
      detail: { book: 'incoming', from: '2026-01-01', to: '2026-03-31', entries: all.body.total, format: 'csv', drive: 'USB KINGSTON', mountPoint: drive, file: res.body.file, bytes: res.body.bytes },
    });
  });

  it('records who printed which part of the book, how many entries, and the print job', async () => {
    const res = await api<{ job: string }>('POST', '/api/register/print', { q: 'UBND' });
    expect(res.status).toBe(200);
    expect(res.body.job).toBe('request id is HP-LaserJet-17 (1 file(s))');
    expect((await readFile(printed)).subarray(0, 5).toString()).toBe('%PDF-');
    const rec = (await auditLog(config.dataDir)).filter((r) => r.action === 'printed');
    expect(rec).toHaveLength(1);
    expect(rec[0]).toMatchObject({ actor: CLERK, docId: null, detail: { book: 'incoming', from: null, to: null, q: 'UBND', entries: 40, job: res.body.job } });
  });

  it('records nothing when nothing left the machine (no drive chosen among none)', async () => {
    const before = (await auditLog(config.dataDir)).length;
    const res = await api<{ error: { code: string } }>('POST', '/api/register/export', { format: 'csv', drive: join(work, 'elsewhere') });
    expect(res.body.error.code).toBe('export.no-drive');
    expect((await auditLog(config.dataDir)).length).toBe(before);
  });
});
