import { existsSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import type { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import type { TokenStatus } from '../../drivers/token/token.js';
import type { Config } from '../config/config.js';
import { SohoaError } from '../errors.js';

// Before a command signs: the real cause of what is missing, and what the technician does about
// it — instead of a raw ENOENT, or "pull the token out and plug it in again" for a token that was
// never provisioned.

export interface FileRole {
  /** What the file is, in Vietnamese ("ảnh con dấu"). */
  vi: string;
  /** The configuration key that names it. */
  key: string;
  /** The command-line option that names it, if any. */
  flag?: string;
}

const devTokenHint = (cfg: Config, path: string) =>
  cfg.token.development || cfg.agency.developmentSeal
    ? ` Khoá ký số thử nghiệm chưa được tạo: chạy "bash provisioning/dev-token.sh ${dirname(path)}" (npm start cũng tạo nó).`
    : '';

/** The path of a file a signature needs: named, and there. Throws `config.invalid` saying which. */
export function requireFile(cfg: Config, path: string, role: FileRole): string {
  const how = `ghi "${role.key}" trong cấu hình${role.flag ? ` hoặc dùng ${role.flag}` : ''}`;
  if (!path) throw new SohoaError('config.invalid', `Chưa có ${role.vi}: hãy ${how}.`, `${role.key} is not set${role.flag ? ` and ${role.flag} not given` : ''}`);
  if (!existsSync(path)) {
    throw new SohoaError('config.invalid', `Không tìm thấy ${role.vi} "${path}": hãy ${how} cho đúng.${devTokenHint(cfg, path)}`, `${role.key}: ${path} does not exist`);
  }
  return path;
}

/** The PKCS#11 module and the files its environment (`moduleEnv`, e.g. SoftHSM's SOFTHSM2_CONF) names are there. */
export function checkTokenModule(cfg: Config, module: string, moduleEnv: Record<string, string>): void {
  if (module && !existsSync(module)) {
    throw new SohoaError('token.module', `Không tìm thấy thư viện PKCS#11 "${module}" của khoá ký số: hãy cài phần mềm điều khiển khoá của nhà cung cấp, hoặc sửa "token.module" trong cấu hình.`, `PKCS#11 module ${module} does not exist`);
  }
  for (const [name, value] of Object.entries(moduleEnv)) {
    if (!isAbsolute(value) || existsSync(value)) continue;
    if (cfg.token.development) {
      throw new SohoaError('token.module', `Chưa tạo khoá ký số thử nghiệm: chạy "bash provisioning/dev-token.sh ${dirname(value)}" (npm start cũng tạo nó).`, `${name}=${value} does not exist: the development token is not provisioned`);
    }
    throw new SohoaError('token.module', `Tệp "${value}" mà thư viện khoá ký số cần (token.env.${name}) không tồn tại: hãy sửa "token.env" trong cấu hình.`, `${name}=${value} does not exist`);
  }
}

/** Why no token is usable, as the technician must hear it. */
export async function whyNoToken(cfg: Config, token: Pkcs11Token, state: TokenStatus): Promise<SohoaError> {
  if (state.error?.code === 'token.module') {
    return new SohoaError('token.module', `Không nạp được thư viện PKCS#11 "${cfg.token.module || '(tự tìm)'}": hãy kiểm tra đã cài đúng phần mềm điều khiển khoá cho máy này, hoặc sửa "token.module".`, state.error.detail);
  }
  if (state.error && state.error.code !== 'token.absent') return new SohoaError(state.error.code, state.error.message, state.error.detail);
  const wanted = cfg.token.serial ? `số serial "${cfg.token.serial}"` : cfg.token.label ? `nhãn "${cfg.token.label}"` : '';
  const present = await token.list().catch(() => []);
  if (present.length) {
    return new SohoaError('token.absent', `Không thấy khoá ký số có ${wanted}; các khoá đang cắm: ${present.map((t) => `"${t.label}" (serial ${t.serial})`).join(', ')}. Hãy cắm đúng khoá của cơ quan, hoặc sửa "token.label"/"token.serial" trong cấu hình.`, `no token matches ${wanted}`);
  }
  return new SohoaError('token.absent', `Không thấy khoá ký số nào${wanted ? ` (cần khoá có ${wanted})` : ''}: hãy cắm khoá ký số của cơ quan vào cổng USB rồi chạy lại.`, `no token present in ${cfg.token.module}`);
}
