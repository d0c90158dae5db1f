import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { schemaProblems } from '../config/validate.js';
import { outcome, ProvisionError, type StepOutcome } from './types.js';

// Step "agency": the agency's name and identifier (both forms of domain.md, legacy
// "000.00.00.H41" and new "H37.02.02", as the settings schema's pattern accepts them), and the
// data folder the register, queue and accounts live in.

export interface AgencyAnswers {
  name: string;
  id: string;
  /** '' = keep the schema's default. */
  dataDir?: string;
}

export function checkAgency(a: AgencyAnswers): StepOutcome {
  const name = a.name.trim().replace(/\s+/g, ' ');
  const id = a.id.trim();
  if (!name) throw new ProvisionError('agency', 'Chưa có tên cơ quan: hãy nhập tên đầy đủ, ví dụ "VĂN PHÒNG UBND TỈNH LÀO CAI".');
  if (!id) throw new ProvisionError('agency', 'Chưa có mã định danh của cơ quan: hãy nhập mã dạng "000.00.00.H41" hoặc "H37.02.02" (hỏi Sở Thông tin và Truyền thông).');
  const problems = schemaProblems({ agency: { id, name } });
  if (problems.length) throw new ProvisionError('agency', problems.map((p) => p.message).join(' '));
  const settings: Record<string, unknown> = { 'agency.name': name, 'agency.id': id };
  const shown = [`Cơ quan: ${name} (mã ${id}, dạng ${/^[A-Za-z]/.test(id) ? 'mới' : 'cũ'})`];
  const dataDir = a.dataDir?.trim();
  if (dataDir) {
    if (!isAbsolute(dataDir)) throw new ProvisionError('agency', `Thư mục dữ liệu "${dataDir}" phải là đường dẫn tuyệt đối, ví dụ "/var/lib/sohoa".`);
    const path = resolve(dataDir);
    if (existsSync(path) && !statSync(path).isDirectory()) throw new ProvisionError('agency', `"${path}" đã có và không phải là thư mục: hãy chọn thư mục dữ liệu khác.`);
    if (!existsSync(path) && !existsSync(dirname(path))) throw new ProvisionError('agency', `Thư mục cha "${dirname(path)}" của thư mục dữ liệu không tồn tại: hãy tạo nó trước hoặc chọn thư mục khác.`);
    settings.dataDir = path;
    shown.push(`Thư mục dữ liệu: ${path}`);
  }
  return outcome('agency', settings, shown);
}
