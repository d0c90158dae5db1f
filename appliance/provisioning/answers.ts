import { readFileSync } from 'node:fs';
import { setPath, type ConfigJson } from './types.js';

// The answer file of a fleet set-up (`sohoa provision --answers FILE.json`) and the `--set
// key=value` flags that add to it. One section per step; see README "Cài đặt ban đầu".
//
// {
//   "dataDir": "/var/lib/sohoa",
//   "agency":   { "name": "VĂN PHÒNG UBND TỈNH LÀO CAI", "id": "000.00.00.H41" },
//   "central":  { "url": "https://qlvb.laocai.gov.vn", "deviceToken": "…", "toId": "000.00.00.H41", "toName": "…",
//                 "tokenFile": "/etc/sohoa/central.secret" },
//   "token":    { "module": "", "label": "VGCA", "serial": "", "env": {}, "trustPath": "/etc/sohoa/trust.pem", "chainPath": "" },
//   "seal":     { "path": "/etc/sohoa/seal.png" },
//   "hours":    { "start": "07:30", "end": "17:00", "days": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu"] },
//   "scanner":  { "device": "", "esclUrl": "http://192.168.1.20/eSCL", "name": "Canon DR-C230",
//                 "saneConfigDir": "/etc/sohoa/sane", "source": "adf-duplex", "mode": "color", "dpi": 300 },
//   "accounts": [ { "name": "Nguyễn Thị Lan", "pin": "482913" } ]
// }

export type Answers = ConfigJson;

export function readAnswers(file: string): Answers {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code ? `không đọc được tệp trả lời "${file}" (${code})` : `tệp trả lời "${file}" không phải JSON hợp lệ: ${(err as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error(`tệp trả lời "${file}" phải là một đối tượng JSON { … }`);
  return json as Answers;
}

/** `--set scanner.dpi=300`: numbers and true/false typed, a JSON array or object parsed. */
export function applySet(answers: Answers, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new Error(`--set cần dạng khoá=giá trị, ví dụ --set central.url=https://qlvb.laocai.gov.vn (nhận được "${assignment}")`);
  const key = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1);
  let value: unknown = raw;
  if (/^-?\d+$/.test(raw)) value = Number(raw);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else if (/^[[{]/.test(raw)) {
    try { value = JSON.parse(raw); } catch { /* kept as text */ }
  }
  setPath(answers, key, value);
}
