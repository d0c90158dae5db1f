import { parseArgs } from 'node:util';
import { runReportingFailures, UsageError, type Command } from './command.js';
import { promptPin } from './pin-prompt.js';
import { UserStore } from '../accounts/user-store.js';
import type { Role } from '../accounts/types.js';
import { loadConfig } from '../config/config.js';

const help = `sohoa users — the people who may use the desk (tài khoản)

Usage:
  sohoa users list [--json]
  sohoa users add "<Họ và tên>" [--technician]
  sohoa users remove "<Họ và tên>"
  sohoa users reset-pin "<Họ và tên>"

Each person logs in on the touchscreen with their name and their own PIN (4–8 digits); the audit
log names them for every scan, correction, registration, signature and delivery. The accounts are
<dataDir>/users.json (PINs stored only as salted scrypt hashes). Changes count at once, without
restarting the appliance: a removed person, or one whose PIN was reset, is logged out at their
next touch (within half a minute in any case).
After 5 wrong PINs a name is locked for 5 minutes; a restart of the service does not clear it.

The PIN is asked twice on the terminal without echo, or read from SOHOA_USER_PIN (scripts).
Names are compared without regard to letter case; quotes keep a name with spaces together.
Roles: clerk (văn thư, the default) or technician (kỹ thuật viên, --technician).
Exit status 0 on success, 1 when the change could not be made, 2 for a usage error.

Examples:
  sohoa users add "Nguyễn Thị Lan"
  SOHOA_USER_PIN=482913 sohoa users add "Trần Văn Bình" --technician
  sohoa users reset-pin "Nguyễn Thị Lan"
  sohoa users remove "Văn thư thử nghiệm"
  sudo -u sohoa SOHOA_CONFIG=/etc/sohoa/config.json npx sohoa users list
`;

const ROLE_VI: Record<Role, string> = { clerk: 'văn thư', technician: 'kỹ thuật viên' };


/** The new PIN: SOHOA_USER_PIN, else typed twice on the terminal. */
async function newPin(): Promise<string> {
  const env = process.env.SOHOA_USER_PIN;
  if (env !== undefined) return env;
  const pin = await promptPin('Mã PIN mới (4–8 chữ số) / new PIN: ', 'SOHOA_USER_PIN');
  const again = await promptPin('Nhập lại mã PIN / PIN again: ', 'SOHOA_USER_PIN');
  if (pin !== again) throw new Error('Hai lần nhập mã PIN không khớp / the two PINs differ; nothing changed');
  return pin;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, options: { technician: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const [action, ...nameParts] = positionals;
  const name = nameParts.join(' ').trim();
  const store = new UserStore(loadConfig(process.env, { check: 'settings' }).dataDir);
  const out = (s: string) => process.stdout.write(s + '\n');

  if (action === 'list') {
    const users = (await store.list()).map(({ name: n, role }) => ({ name: n, role }));
    if (values.json) out(JSON.stringify({ users }));
    else if (users.length === 0) out('Chưa có tài khoản nào / no accounts yet: sohoa users add "Họ và tên"');
    else for (const u of users) out(`${u.name}\t${ROLE_VI[u.role]} (${u.role})`);
    return 0;
  }
  if (action !== 'add' && action !== 'remove' && action !== 'reset-pin') {
    throw new UsageError(action ? `unknown action "${action}"` : 'say what to do: list, add, remove or reset-pin');
  }
  if (!name) throw new UsageError(`${action} needs the person's full name, in quotes`);
  if (values.technician && action !== 'add') throw new UsageError('--technician goes with add');

  if (action === 'add') {
    const role: Role = values.technician ? 'technician' : 'clerk';
    const u = await store.add(name, role, await newPin());
    out(`Đã tạo tài khoản "${u.name}" (${ROLE_VI[u.role]}) / account created (${u.role})`);
  } else if (action === 'remove') {
    const u = await store.remove(name);
    out(`Đã xoá tài khoản "${u.name}" / account removed`);
  } else {
    // Said before the PIN is asked for.
    const u = await store.get(name);
    const changed = await store.resetPin(u.name, await newPin());
    out(`Đã đặt lại mã PIN của "${changed.name}" / PIN reset`);
  }
  return 0;
}

const command: Command = {
  name: 'users',
  summary: 'the people who may use the desk: list, add, remove, reset-pin',
  help,
  run: runReportingFailures('users', run),
};

export default command;
