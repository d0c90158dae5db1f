import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import { MalformedStateError } from '../store/migrations.js';
import { Quarantine } from '../store/quarantine.js';
import { decodeStateFile, readStateFile, writeStateFile, type StateFileFormat } from '../store/state-file.js';
import { hashPin, isValidPin } from './pin-hash.js';
import type { Role, UserRecord } from './types.js';
import { readTextIfExists } from '../store/read-if-exists.js';

// `<dataDir>/users.json`: the people who may use the desk. Written by the technician's CLI
// (`sohoa users …`), read by the running appliance on every lookup, so a person added or removed
// counts at once, without a restart. Written atomically; the PINs only as scrypt hashes. An
// unreadable file found when the appliance starts is set aside in the quarantine (the desk then
// says nobody can log in, and shows the notice); found later, it is an error for that request.

interface UsersFile {
  users: UserRecord[];
}

const ROLES: readonly Role[] = ['clerk', 'technician'];

const USERS: StateFileFormat = {
  format: 'accounts.users',
  indent: 2,
  // Hashes only, yet nobody else on the machine needs to read them.
  mode: 0o600,
  check: (d) => Array.isArray(d.users) && d.users.every(isUserRecord),
};

/** The stored form of a name: NFC (TCVN 6909), trimmed, single spaces. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/** Names are one person whatever the letter case ("nguyễn thị lan" is "Nguyễn Thị Lan"). */
const sameName = (a: string, b: string) => normalizeName(a).toLocaleLowerCase('vi') === normalizeName(b).toLocaleLowerCase('vi');

const NAME_PATTERN = /^\p{L}[\p{L}\p{M} .'-]*$/u;

export function checkName(raw: string): string {
  const name = normalizeName(raw);
  if (name.length < 2 || name.length > 100 || !NAME_PATTERN.test(name)) {
    throw new SohoaError('account.invalid', 'Họ và tên không hợp lệ: chỉ gồm chữ cái và dấu cách, từ 2 đến 100 ký tự.', `invalid name ${JSON.stringify(raw)}`);
  }
  return name;
}

export function checkPin(pin: string): void {
  if (!isValidPin(pin)) throw new SohoaError('account.invalid', 'Mã PIN phải gồm 4 đến 8 chữ số.', 'PIN must be 4-8 digits');
}

export class UserStore {
  readonly path: string;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string, private readonly opts: { quarantine?: Quarantine } = {}) {
    this.path = join(dataDir, 'users.json');
  }

  /** At the appliance's start: sets an unreadable file aside, rewrites an older one in the current format. */
  async start(): Promise<void> {
    const quarantine = this.opts.quarantine ?? new Quarantine({ dataDir: this.dataDir });
    await readStateFile<UsersFile>(this.path, USERS, { quarantine, store: 'accounts' });
  }

  /** Whether the file exists at all (an empty list written by the technician is not "missing"). */
  async exists(): Promise<boolean> {
    return (await this.read()) !== null;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.read())?.users ?? [];
  }

  async find(name: string): Promise<UserRecord | undefined> {
    return (await this.list()).find((u) => sameName(u.name, name));
  }

  /** Like find(), but a missing person is an `account.not-found` error. */
  async get(name: string): Promise<UserRecord> {
    const user = await this.find(name);
    if (!user) throw notFound(name);
    return user;
  }

  async add(name: string, role: Role, pin: string): Promise<UserRecord> {
    const clean = checkName(name);
    checkPin(pin);
    const pinHash = await hashPin(pin);
    return this.update((users) => {
      if (users.some((u) => sameName(u.name, clean))) {
        throw new SohoaError('account.exists', `Đã có tài khoản "${clean}".`, `user ${clean} already exists`);
      }
      const user: UserRecord = { name: clean, role, pinHash };
      users.push(user);
      return user;
    });
  }

  async remove(name: string): Promise<UserRecord> {
    return this.update((users) => {
      const i = users.findIndex((u) => sameName(u.name, name));
      if (i < 0) throw notFound(name);
      return users.splice(i, 1)[0]!;
    });
  }

  async resetPin(name: string, pin: string): Promise<UserRecord> {
    checkPin(pin);
    const pinHash = await hashPin(pin);
    return this.update((users) => {
      const user = users.find((u) => sameName(u.name, name));
      if (!user) throw notFound(name);
      user.pinHash = pinHash;
      return user;
    });
  }

  /** Read, change, write back: one change at a time within this process. */
  private update<T>(change: (users: UserRecord[]) => T): Promise<T> {
    const run = this.writes.then(async () => {
      const users = await this.list();
      const result = change(users);
      users.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
      await writeStateFile(this.path, USERS, { users } satisfies UsersFile);
      return result;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<UsersFile | null> {
    const text = await readTextIfExists(this.path);
    if (text === null) return null;
    try {
      return decodeStateFile<UsersFile>(text, USERS, this.path).value;
    } catch (err) {
      if (!(err instanceof MalformedStateError)) throw err; // a newer format: refused as it says
      throw new SohoaError('storage.io', 'Không đọc được danh sách tài khoản. Hãy báo kỹ thuật viên.', `${this.path}: ${err.message}`);
    }
  }
}

function isUserRecord(u: unknown): u is UserRecord {
  const r = u as UserRecord;
  return typeof r?.name === 'string' && typeof r.pinHash === 'string' && ROLES.includes(r.role);
}

function notFound(name: string): SohoaError {
  return new SohoaError('account.not-found', `Không có tài khoản "${normalizeName(name)}".`, `no user ${normalizeName(name)}`);
}
