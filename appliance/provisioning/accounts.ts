import { join } from 'node:path';
import { checkName, checkPin, normalizeName, UserStore } from '../accounts/user-store.js';
import type { Role } from '../accounts/types.js';
import { SohoaError } from '../errors.js';
import { outcome, ProvisionError, type PendingAccount, type StepOutcome } from './types.js';

// Step "accounts": the people who will use the desk, each with their own PIN (the same rules as
// `sohoa users add`). At least one clerk must exist when the step ends; a name that already has an
// account is kept as it is (its PIN is changed only with `sohoa users reset-pin`).

export interface AccountAnswer { name: string; pin: string; role?: Role }

export async function checkAccounts(dataDir: string, people: AccountAnswer[]): Promise<StepOutcome> {
  const store = new UserStore(dataDir);
  const existing = await store.list().catch(() => []);
  const has = (n: string) => existing.find((u) => normalizeName(u.name).toLocaleLowerCase('vi') === normalizeName(n).toLocaleLowerCase('vi'));
  const add: PendingAccount[] = [];
  const shown: string[] = [];
  for (const p of people) {
    let name: string;
    try {
      name = checkName(p.name ?? '');
      checkPin(String(p.pin ?? ''));
    } catch (err) {
      throw new ProvisionError('accounts', `Tài khoản "${p.name ?? ''}": ${(err as SohoaError).vi ?? (err as Error).message}`);
    }
    const role: Role = p.role === 'technician' ? 'technician' : 'clerk';
    if (p.role && p.role !== 'clerk' && p.role !== 'technician') throw new ProvisionError('accounts', `Tài khoản "${name}": vai trò "${String(p.role)}" không có (chọn clerk = văn thư hoặc technician = kỹ thuật viên).`);
    if (add.some((x) => x.name.toLocaleLowerCase('vi') === name.toLocaleLowerCase('vi'))) throw new ProvisionError('accounts', `Tên "${name}" được nhập hai lần: mỗi người một tài khoản.`);
    const old = has(name);
    if (old) { shown.push(`Đã có tài khoản "${old.name}" (${old.role === 'clerk' ? 'văn thư' : 'kỹ thuật viên'}): giữ nguyên`); continue; }
    add.push({ name, role, pin: String(p.pin) });
    shown.push(`Tạo tài khoản "${name}" (${role === 'clerk' ? 'văn thư' : 'kỹ thuật viên'})`);
  }
  const clerks = existing.filter((u) => u.role === 'clerk').length + add.filter((a) => a.role === 'clerk').length;
  if (clerks === 0) throw new ProvisionError('accounts', 'Chưa có tài khoản văn thư nào: hãy tạo ít nhất một tài khoản cho người dùng quầy (họ và tên, mã PIN 4–8 chữ số).');
  shown.push(`Tài khoản lưu trong ${join(dataDir, 'users.json')}`);
  return outcome('accounts', {}, shown, { accounts: add });
}
