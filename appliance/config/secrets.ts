import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Layer } from './layers.js';
import type { Problem } from './validate.js';

// The central system's credentials live apart from the configuration, which is readable by
// anyone on the box: in a root-readable file named by `central.deviceTokenFile` (chmod 600), or in
// a systemd credential (`LoadCredential=central-token:/etc/sohoa/central.secret` → the file
// `$CREDENTIALS_DIRECTORY/central-token`). They are never printed or logged.

export const CREDENTIAL_NAME = 'central-token';

export interface SecretResult { layer?: Layer; problems: Problem[]; warnings: Problem[] }

const readSecret = (file: string) => readFileSync(file, 'utf8').trim();

/**
 * The device token's layer from the secret file or the systemd credential. `file` and `env` are
 * the configuration file's and the environment's layers (paths already absolute).
 */
export function secretLayer(file: Layer | undefined, envLayer: Layer, env: NodeJS.ProcessEnv): SecretResult {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const inFile = file?.values.get('central.deviceToken');
  const tokenFile = (envLayer.values.get('central.deviceTokenFile') ?? file?.values.get('central.deviceTokenFile')) as string | undefined;

  if (file && typeof inFile === 'string' && inFile) {
    if (tokenFile) {
      problems.push({ key: 'central.deviceToken', message: 'Cấu hình ghi cả "central.deviceToken" lẫn "central.deviceTokenFile": chỉ giữ một (nên giữ "central.deviceTokenFile" và xoá mã khỏi tệp cấu hình).' });
    }
    const where = file.source.kind === 'file' ? file.source.file : '';
    if (where && worldReadable(where)) {
      warnings.push({ key: 'central.deviceToken', message: `Tệp cấu hình "${where}" chứa "central.deviceToken" mà ai trên máy cũng đọc được: hãy chuyển mã sang "central.deviceTokenFile" (một tệp chmod 600) hoặc chạy "chmod 640 ${where}".` });
    }
  }

  if (tokenFile) {
    if (!existsSync(tokenFile)) return { problems, warnings }; // the path check says it is missing
    let value: string;
    try {
      value = readSecret(tokenFile);
    } catch (err) {
      problems.push({ key: 'central.deviceTokenFile', message: `Không đọc được tệp "central.deviceTokenFile" = "${tokenFile}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): dịch vụ phải chạy với người dùng được phép đọc tệp này, hoặc dùng LoadCredential= của systemd.` });
      return { problems, warnings };
    }
    if (!value) problems.push({ key: 'central.deviceTokenFile', message: `Tệp "central.deviceTokenFile" = "${tokenFile}" trống: cần mã xác thực của máy do hệ thống trung tâm cấp.` });
    if (worldReadable(tokenFile, 0o077)) {
      warnings.push({ key: 'central.deviceTokenFile', message: `Tệp bí mật "${tokenFile}" người khác đọc được: hãy chạy "chmod 600 ${tokenFile}".` });
    }
    return { layer: { source: { kind: 'secret-file', file: tokenFile }, values: new Map([['central.deviceToken', value]]) }, problems, warnings };
  }

  const credDir = env.CREDENTIALS_DIRECTORY;
  const named = (typeof inFile === 'string' && inFile) || envLayer.values.has('central.deviceToken');
  if (!named && credDir && existsSync(join(credDir, CREDENTIAL_NAME))) {
    const cred = join(credDir, CREDENTIAL_NAME);
    return { layer: { source: { kind: 'credential', file: cred }, values: new Map([['central.deviceToken', readSecret(cred)]]) }, problems, warnings };
  }
  return { problems, warnings };
}

function worldReadable(path: string, mask = 0o004): boolean {
  try {
    return (statSync(path).mode & mask) !== 0;
  } catch {
    return false;
  }
}
