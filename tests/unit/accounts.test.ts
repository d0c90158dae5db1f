import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../../appliance/accounts/account-service.js';
import { DEMO_ACCOUNT, ensureAccounts } from '../../appliance/accounts/demo-account.js';
import { UserStore } from '../../appliance/accounts/user-store.js';
import type { AuditAction } from '../../appliance/register/audit-log.js';
import { SohoaError } from '../../appliance/errors.js';
import { silentLogger } from '../../appliance/log.js';

let root: string;
let n = 0;
const freshDir = () => join(root, `d${n++}`);
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'sohoa-accounts-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

/** A clock the test moves by hand. */
function clock(start = Date.parse('2026-03-02T08:00:00+07:00')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

type Line = { actor: string; action: AuditAction; detail?: Record<string, unknown> };
function service(store: UserStore, now: () => number, idleMs = 15 * 60_000, statePath?: string) {
  const audit: Line[] = [];
  const svc = new AccountService({
    store, idleMs, now, statePath,
    audit: { recordAudit: async (actor, action, _doc, detail) => { audit.push({ actor, action, detail }); } },
  });
  return { svc, audit };
}

async function rejection(p: Promise<unknown>): Promise<SohoaError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SohoaError);
  return err as SohoaError;
}

describe('UserStore (users.json)', () => {
  it('keeps a salted scrypt hash, never the PIN, and the file is private', async () => {
    const store = new UserStore(freshDir());
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    await store.add('Trần Văn Bình', 'technician', '482913');
    const text = await readFile(store.path, 'utf8');
    expect(text).not.toContain('482913');
    const users = JSON.parse(text).users as { name: string; role: string; pinHash: string }[];
    expect(users.map((u) => [u.name, u.role])).toEqual([['Nguyễn Thị Lan', 'clerk'], ['Trần Văn Bình', 'technician']]);
    for (const u of users) expect(u.pinHash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    // Same PIN, different salt: different hashes.
    expect(users[0]!.pinHash).not.toBe(users[1]!.pinHash);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
  });

  it('stores names NFC with single spaces and finds them whatever the form or letter case', async () => {
    const store = new UserStore(freshDir());
    const decomposed = '  Nguyễn   Thị Lan '.normalize('NFD');
    await store.add(decomposed, 'clerk', '1234');
    const [u] = await store.list();
    expect(u!.name).toBe('Nguyễn Thị Lan'.normalize('NFC'));
    expect(u!.name).not.toBe('Nguyễn Thị Lan'.normalize('NFD'));
    expect((await store.find('nguyễn thị lan'.normalize('NFD')))?.name).toBe('Nguyễn Thị Lan');
    expect((await rejection(store.add('NGUYỄN THỊ LAN', 'clerk', '5678'))).code).toBe('account.exists');
  });

  it('refuses PINs that are not 4–8 digits and names that are not names', async () => {
    const store = new UserStore(freshDir());
    for (const pin of ['123', '123456789', '12a4', '', '１２３４']) {
      expect((await rejection(store.add('Lê Văn Tám', 'clerk', pin))).code).toBe('account.invalid');
    }
    for (const name of ['', ' ', 'A', '<script>', 'Nguyễn\u0007Lan', 'Lan 2', 'x'.repeat(101)]) {
      expect((await rejection(store.add(name, 'clerk', '1234'))).code).toBe('account.invalid');
    }
    expect(await store.exists()).toBe(false);
  });

  it('removes and resets; unknown names are account.not-found', async () => {
    const store = new UserStore(freshDir());
    await store.add('Phạm Văn Minh', 'clerk', '1111');
    const before = (await store.find('Phạm Văn Minh'))!.pinHash;
    await store.resetPin('phạm văn minh', '2222');
    expect((await store.find('Phạm Văn Minh'))!.pinHash).not.toBe(before);
    expect((await rejection(store.resetPin('Không Có Ai', '2222'))).code).toBe('account.not-found');
    await store.remove('Phạm Văn Minh');
    expect(await store.list()).toEqual([]);
    expect(await store.exists()).toBe(true);
    expect((await rejection(store.remove('Phạm Văn Minh'))).code).toBe('account.not-found');
  });
});

describe('AccountService: logins, lockout, sessions', () => {
  it('logs in with the right PIN only, and audits both', async () => {
    const store = new UserStore(freshDir());
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    const c = clock();
    const { svc, audit } = service(store, c.now);
    const wrong = await rejection(svc.login('Nguyễn Thị Lan', '482914'));
    expect(wrong.code).toBe('session.pin-incorrect');
    expect(wrong.vi).toMatch(/Mã PIN không đúng\. Còn 4 lần thử/);
    const s = await svc.login('nguyễn thị lan'.normalize('NFD'), '482913');
    expect(s).toMatchObject({ name: 'Nguyễn Thị Lan', role: 'clerk', expiresAt: new Date(c.now() + 15 * 60_000).toISOString() });
    expect(Buffer.from(s.token, 'base64url')).toHaveLength(32);
    expect(audit).toEqual([
      { actor: 'Nguyễn Thị Lan', action: 'login-failed', detail: { reason: 'pin' } },
      { actor: 'Nguyễn Thị Lan', action: 'login', detail: { role: 'clerk' } },
    ]);
    expect(JSON.stringify(audit)).not.toContain('482913');
  });

  it('locks a name for 5 minutes after 5 wrong PINs, says the time left, then lets it try again', async () => {
    const store = new UserStore(freshDir());
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    await store.add('Trần Văn Bình', 'clerk', '111111');
    const c = clock();
    const { svc, audit } = service(store, c.now);
    for (let i = 4; i >= 1; i--) {
      expect((await rejection(svc.login('Nguyễn Thị Lan', '000000'))).vi).toContain(`Còn ${i} lần thử`);
    }
    const fifth = await rejection(svc.login('Nguyễn Thị Lan', '000000'));
    expect(fifth.code).toBe('session.locked');
    expect(fifth.vi).toContain('thử lại sau 5 phút');
    // Locked: even the right PIN is refused, with the time left.
    c.advance(2 * 60_000 + 30_000);
    const locked = await rejection(svc.login('Nguyễn Thị Lan', '482913'));
    expect(locked.code).toBe('session.locked');
    expect(locked.vi).toContain('thử lại sau 2 phút 30 giây');
    // Other names are not affected.
    await expect(svc.login('Trần Văn Bình', '111111')).resolves.toMatchObject({ name: 'Trần Văn Bình' });
    c.advance(2 * 60_000 + 29_000);
    expect((await rejection(svc.login('Nguyễn Thị Lan', '482913'))).vi).toContain('1 giây');
    c.advance(1000);
    await expect(svc.login('Nguyễn Thị Lan', '482913')).resolves.toMatchObject({ name: 'Nguyễn Thị Lan' });
    // After the lock, a fresh count of 5.
    expect((await rejection(svc.login('Nguyễn Thị Lan', '000000'))).vi).toContain('Còn 4 lần thử');
    expect(audit.filter((a) => a.action === 'login-failed').map((a) => a.detail)).toEqual([
      { reason: 'pin' }, { reason: 'pin' }, { reason: 'pin' }, { reason: 'pin' }, { reason: 'pin', locked: true },
      { reason: 'locked' }, { reason: 'locked' }, { reason: 'pin' },
    ]);
  });

  it('answers a name that does not exist exactly like a wrong PIN, lockout included', async () => {
    const store = new UserStore(freshDir());
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    const { svc } = service(store, clock().now);
    const msgs = async (name: string) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) { const e = await rejection(svc.login(name, '000000')); out.push(`${e.code} ${e.vi}`); }
      return out;
    };
    expect(await msgs('Không Có Ai')).toEqual(await msgs('Nguyễn Thị Lan'));
  });

  it('ends a session after the idle time unless a command touches it; logout ends it at once', async () => {
    const store = new UserStore(freshDir());
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    const c = clock();
    const { svc, audit } = service(store, c.now, 10 * 60_000);
    const a = await svc.login('Nguyễn Thị Lan', '482913');
    const b = await svc.login('Nguyễn Thị Lan', '482913');
    c.advance(9 * 60_000);
    expect(await svc.session(a.token)).toBeDefined();            // a read does not extend
    expect(await svc.session(b.token, { touch: true })).toBeDefined();
    c.advance(60_000);
    expect(await svc.session(a.token)).toBeUndefined();
    expect(svc.isLive(a.token)).toBe(false);
    expect((await svc.session(b.token))?.expiresAt).toBe(new Date(c.now() + 9 * 60_000).toISOString());
    expect(await svc.sweep()).toBe(1);
    expect(await svc.logout(b.token)).toBe(true);
    expect(await svc.logout(b.token)).toBe(false);
    expect(await svc.session(b.token)).toBeUndefined();
    expect(await svc.session('forged-token')).toBeUndefined();
    expect(audit.filter((x) => x.action === 'logout').map((x) => x.detail)).toEqual([{ reason: 'idle' }, { reason: 'user' }]);
  });

  it('ends the session of a person the technician removed', async () => {
    const store = new UserStore(freshDir());
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    const { svc, audit } = service(store, clock().now);
    const s = await svc.login('Nguyễn Thị Lan', '482913');
    await new UserStore(join(store.path, '..')).remove('Nguyễn Thị Lan');
    expect(await svc.session(s.token)).toBeUndefined();
    expect(audit.at(-1)).toEqual({ actor: 'Nguyễn Thị Lan', action: 'logout', detail: { reason: 'account-removed' } });
  });
});

describe('AccountService: sessions and locks across a restart, PIN resets', () => {
  it('keeps sessions in the session file as hashes only (0600): after a restart the token still works, expiry included', async () => {
    const dir = freshDir();
    const store = new UserStore(dir);
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    const statePath = join(dir, 'sessions.json');
    const c = clock();
    const first = service(store, c.now, 10 * 60_000, statePath);
    await first.svc.start();
    const s = await first.svc.login('Nguyễn Thị Lan', '482913');
    c.advance(4 * 60_000);
    await first.svc.session(s.token, { touch: true }); // a command: the idle time starts again
    await first.svc.stop();

    const text = await readFile(statePath, 'utf8');
    expect(text).not.toContain(s.token);
    expect(text).not.toContain((await store.find('Nguyễn Thị Lan'))!.pinHash);
    expect(JSON.parse(text).sessions).toEqual([expect.objectContaining({ name: 'Nguyễn Thị Lan', id: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);

    const second = service(store, c.now, 10 * 60_000, statePath);
    await second.svc.start();
    expect(await second.svc.session(s.token)).toMatchObject({ name: 'Nguyễn Thị Lan', expiresAt: new Date(c.now() + 10 * 60_000).toISOString() });
    expect(second.svc.isLive(s.token)).toBe(true);
    expect(await second.svc.session('A'.repeat(43))).toBeUndefined();
    // Its idle time runs on from where it was: ended at the next sweep, and said so.
    c.advance(10 * 60_000);
    expect(await second.svc.sweep()).toBe(1);
    expect(second.audit).toEqual([{ actor: 'Nguyễn Thị Lan', action: 'logout', detail: { reason: 'idle' } }]);
    await second.svc.stop();
    expect(JSON.parse(await readFile(statePath, 'utf8')).sessions).toEqual([]);
  });

  it('a locked name stays locked across a restart, with its time left', async () => {
    const dir = freshDir();
    const store = new UserStore(dir);
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    const statePath = join(dir, 'sessions.json');
    const c = clock();
    const first = service(store, c.now, 15 * 60_000, statePath);
    await first.svc.start();
    for (let i = 0; i < 4; i++) await rejection(first.svc.login('Nguyễn Thị Lan', '000000'));
    expect((await rejection(first.svc.login('Nguyễn Thị Lan', '000000'))).code).toBe('session.locked');
    await first.svc.stop();

    c.advance(60_000);
    const second = service(store, c.now, 15 * 60_000, statePath);
    await second.svc.start();
    const locked = await rejection(second.svc.login('Nguyễn Thị Lan', '482913'));
    expect(locked.code).toBe('session.locked');
    expect(locked.vi).toContain('thử lại sau 4 phút');
    // Counting wrong PINs goes on too: a restart gives no fresh tries.
    await store.add('Trần Văn Bình', 'clerk', '111111');
    for (let i = 0; i < 3; i++) await rejection(second.svc.login('Trần Văn Bình', '000000'));
    await second.svc.stop();
    const third = service(store, c.now, 15 * 60_000, statePath);
    expect((await rejection(third.svc.login('Trần Văn Bình', '000000'))).vi).toContain('Còn 1 lần thử');
    await third.svc.stop();
  });

  it('a PIN reset ends that person\'s sessions, also when another process (sohoa users) changed users.json', async () => {
    const dir = freshDir();
    const store = new UserStore(dir);
    await store.add('Nguyễn Thị Lan', 'clerk', '482913');
    await store.add('Trần Văn Bình', 'technician', '111111');
    const { svc, audit } = service(store, clock().now);
    const lan = await svc.login('Nguyễn Thị Lan', '482913');
    const lan2 = await svc.login('Nguyễn Thị Lan', '482913');
    const binh = await svc.login('Trần Văn Bình', '111111');

    await new UserStore(dir).resetPin('Nguyễn Thị Lan', '555666'); // the CLI's own store, as another process
    expect(await svc.session(lan.token)).toBeUndefined();
    expect(await svc.sweep()).toBe(1); // the second session, noticed without a request
    expect(svc.isLive(lan2.token)).toBe(false);
    expect(await svc.session(binh.token)).toMatchObject({ name: 'Trần Văn Bình' });
    expect(audit.filter((a) => a.action === 'logout')).toEqual([
      { actor: 'Nguyễn Thị Lan', action: 'logout', detail: { reason: 'pin-reset' } },
      { actor: 'Nguyễn Thị Lan', action: 'logout', detail: { reason: 'pin-reset' } },
    ]);
    await expect(svc.login('Nguyễn Thị Lan', '555666')).resolves.toMatchObject({ name: 'Nguyễn Thị Lan' });
  });

  it('the technician\'s account management: audited under their name, a reset or removal ends sessions at once, nobody removes themselves', async () => {
    const dir = freshDir();
    const store = new UserStore(dir);
    await store.add('Trần Văn Bình', 'technician', '111111');
    const { svc, audit } = service(store, clock().now);
    expect(await svc.addAccount('Lê Thị Hoa', 'clerk', '246810', 'Trần Văn Bình')).toEqual({ name: 'Lê Thị Hoa', role: 'clerk' });
    const hoa = await svc.login('Lê Thị Hoa', '246810');
    await svc.resetPin('lê thị hoa', '135790', 'Trần Văn Bình');
    expect(svc.isLive(hoa.token)).toBe(false);
    const again = await svc.login('Lê Thị Hoa', '135790');
    await svc.removeAccount('Lê Thị Hoa', 'Trần Văn Bình');
    expect(svc.isLive(again.token)).toBe(false);
    expect((await rejection(svc.removeAccount('trần văn bình', 'Trần Văn Bình'))).code).toBe('account.invalid');
    expect(await svc.accounts()).toEqual([{ name: 'Trần Văn Bình', role: 'technician' }]);
    expect(audit.filter((a) => a.actor === 'Trần Văn Bình').map((a) => [a.action, a.detail])).toEqual([
      ['account-added', { name: 'Lê Thị Hoa', role: 'clerk' }], ['pin-reset', { name: 'Lê Thị Hoa' }], ['account-removed', { name: 'Lê Thị Hoa', role: 'clerk' }],
    ]);
    expect(audit.filter((a) => a.action === 'logout').map((a) => a.detail)).toEqual([{ reason: 'pin-reset' }, { reason: 'account-removed' }]);
    expect(JSON.stringify(audit)).not.toMatch(/246810|135790/);
  });
});

describe('accounts on first start', () => {
  it('embedded defaults without users.json: one demo clerk whose PIN works', async () => {
    const store = new UserStore(freshDir());
    expect(await ensureAccounts(store, { embedded: true, log: silentLogger() })).toBe(true);
    expect((await store.list()).map((u) => [u.name, u.role])).toEqual([[DEMO_ACCOUNT.name, 'clerk']]);
    const { svc } = service(store, clock().now);
    await expect(svc.login(DEMO_ACCOUNT.name, DEMO_ACCOUNT.pin)).resolves.toMatchObject({ name: 'Văn thư thử nghiệm' });
    // Only once: a technician who removed it does not see it come back.
    await store.remove(DEMO_ACCOUNT.name);
    expect(await ensureAccounts(store, { embedded: true, log: silentLogger() })).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('the demo account\'s PIN is never written to the log', async () => {
    let text = '';
    const log = pino({ level: 'trace' }, new Writable({ write(chunk, _e, cb) { text += chunk.toString(); cb(); } }));
    expect(await ensureAccounts(new UserStore(freshDir()), { embedded: true, log })).toBe(true);
    expect(text).toContain('DEMO ACCOUNT CREATED');
    expect(text).toContain(DEMO_ACCOUNT.name);
    expect(text).not.toContain(DEMO_ACCOUNT.pin);
  });

  it('a provisioned device (configuration file) seeds nobody', async () => {
    const store = new UserStore(freshDir());
    expect(await ensureAccounts(store, { embedded: false, log: silentLogger() })).toBe(false);
    expect(await store.exists()).toBe(false);
    const { svc } = service(store, clock().now);
    expect(await svc.names()).toEqual([]);
    expect((await rejection(svc.login(DEMO_ACCOUNT.name, DEMO_ACCOUNT.pin))).code).toBe('session.pin-incorrect');
  });
});
