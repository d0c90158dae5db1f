import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sourced } from './layers.js';
import { devTokenDir } from './profiles.js';
import { leaves, type Node } from './schema-walk.js';
import type { Labeller } from './decode.js';
import type { Problem } from './validate.js';

// Every file or folder a setting names must be there before the service starts: a seal, a
// trust file or a PKCS#11 module that is missing is found by `sohoa config check`, not by the
// first clerk who tries to sign.

const KIND_VI = { file: 'tệp', dir: 'thư mục', creatable: 'thư mục', mount: 'thư mục' } as const;

function kindOf(path: string): 'file' | 'dir' | 'other' | 'missing' {
  try {
    const st = statSync(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * Problems (the service must not start) and warnings for the path settings. A demo part's files
 * that are missing are only a warning on the demo profile (the appliance still starts and says
 * what is missing where it is used); on a device that asked for the part they are a problem.
 */
export function checkPaths(schema: Node, values: Map<string, Sourced>, label: Labeller, opts: { demoProfile: boolean; dataDir: string }): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  for (const { key, schema: s } of leaves(schema)) {
    const kind = s['x-path'];
    const entry = values.get(key);
    if (!kind || !entry || typeof entry.value !== 'string' || !entry.value || entry.source.kind === 'derived') continue;
    const path = entry.value;
    const found = kindOf(path);
    const fromDemo = entry.source.kind === 'demo';
    if (fromDemo && kind === 'creatable') continue; // under the data folder, made with it
    const devHint = fromDemo && path.startsWith(devTokenDir(opts.dataDir))
      ? `; khoá ký số thử nghiệm chưa được tạo: chạy "bash provisioning/dev-token.sh ${devTokenDir(opts.dataDir)}"` : '';
    let msg: string | undefined;
    if (kind === 'creatable') {
      if (found === 'file' || found === 'other') msg = `${label(key)} = "${path}" không phải một thư mục`;
      else if (found === 'missing' && kindOf(dirname(path)) !== 'dir') msg = `${label(key)} = "${path}": thư mục cha "${dirname(path)}" không tồn tại (Sohoa chỉ tạo được thư mục cuối cùng)`;
    } else if (found === 'missing') {
      msg = `${KIND_VI[kind][0]!.toUpperCase()}${KIND_VI[kind].slice(1)} ${label(key)} = "${path}" không tồn tại (cần: ${s['x-expect'] ?? s.description ?? KIND_VI[kind]})${devHint}`;
    } else if (kind === 'file' && found !== 'file') {
      msg = `${label(key)} = "${path}" không phải là một tệp (cần: ${s['x-expect'] ?? 'một tệp'})`;
    } else if ((kind === 'dir' || kind === 'mount') && found !== 'dir') {
      msg = `${label(key)} = "${path}" không phải là một thư mục`;
    }
    if (!msg) continue;
    const warnOnly = kind === 'mount' || (fromDemo && opts.demoProfile);
    (warnOnly ? warnings : problems).push({ key, message: msg + '.' });
  }
  // A SANE device named by its device node ("v4l:/dev/video0", "…:/dev/usb/…"): the node must be there.
  const scanner = values.get('scanner.device');
  const node = typeof scanner?.value === 'string' ? /(\/dev\/\S+)/.exec(scanner.value)?.[1] : undefined;
  if (node && kindOf(node) === 'missing') {
    problems.push({ key: 'scanner.device', message: `Thiết bị ${label('scanner.device')} = "${scanner!.value as string}": "${node}" không tồn tại (máy quét chưa cắm hoặc sai tên; xem scanimage -L).` });
  }
  return { problems, warnings };
}
