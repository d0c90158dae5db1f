import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionDevToken } from '../helpers/dev-token.js';
import { writeRegisterFiles } from '../helpers/register-files.js';
import { NotifyListener, spawnService, urlFromStatus, writeServiceConfig, type ServiceProcess } from '../helpers/service-process.js';

// The first start after an upgrade: the register indexes every document file before the service
// is ready. sohoa.service has TimeoutStartSec=90s; while the register works the service asks
// systemd for more time (EXTEND_TIMEOUT_USEC, with a STATUS line saying what it does), so a large
// register is never killed and restarted in a loop. The built service process against a real
// datagram socket playing systemd's side, on a data folder holding 5 000 generated documents and
// no index.

const N = 5000;
let dir: string;
let notify: NotifyListener;
let service: ServiceProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-start-index-'));
  const token = await provisionDevToken();
  const config = await writeServiceConfig(dir, token);
  writeRegisterFiles(join(dir, 'data', 'register'), N, { open: 5 });
  notify = new NotifyListener(join(dir, 'notify.sock'));
  notify.start();
  service = spawnService(config, { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '10000000' });
}, 120_000);

afterAll(async () => {
  if (service.child.exitCode === null) service.child.kill('SIGKILL');
  notify.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('first start on a register without its index', () => {
  it('asks systemd for more time while it indexes the documents, then says READY=1', async () => {
    const ready = await notify.next('READY', 90_000);
    const before = notify.messages.slice(0, notify.messages.indexOf(ready));
    const extends_ = before.filter((m) => 'EXTEND_TIMEOUT_USEC' in m.fields);
    expect(extends_.length).toBeGreaterThanOrEqual(2);
    expect(extends_.every((m) => m.fields.EXTEND_TIMEOUT_USEC === '30000000')).toBe(true);
    expect(extends_[0]!.fields.STATUS).toBe(`Đang lập chỉ mục sổ đăng ký: 0/${N} văn bản`);
    expect(extends_.at(-1)!.fields.STATUS).toBe(`Đang lập chỉ mục sổ đăng ký: ${N}/${N} văn bản`);
    // and once ready, it serves, with the index written (the next start reads it instead)
    expect((await fetch(new URL('/api/status', urlFromStatus(ready)))).status).toBe(200);
    expect(await readdir(join(dir, 'data', 'register', 'index'))).toEqual([expect.stringMatching(/^\d{4}\.jsonl$/)]);
    expect(service.output()).toContain('register index: documents indexed from their files');
  }, 120_000);
});
