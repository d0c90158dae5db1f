import { existsSync, statSync } from 'node:fs';
import sharp from 'sharp';
import { outcome, ProvisionError, type StepOutcome } from './types.js';

// Step "seal": the agency seal image printed beside the visible signature. It must be a PNG with
// transparency (an opaque white square would cover the page); its size at its own dpi should be
// a seal's (20–60 mm) and its ink mostly red — both only warned about, a technician may know better.

export interface SealAnswers { path: string }

const fail = (vi: string) => new ProvisionError('seal', vi);

export async function checkSeal(a: SealAnswers): Promise<StepOutcome> {
  const path = a.path.trim();
  if (!path) throw fail('Chưa có ảnh con dấu: hãy nhập đường dẫn tới ảnh PNG nền trong suốt, ví dụ /etc/sohoa/seal.png.');
  if (!existsSync(path) || !statSync(path).isFile()) throw fail(`Không tìm thấy ảnh con dấu "${path}".`);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(path).metadata();
  } catch (err) {
    throw fail(`"${path}" không phải một ảnh đọc được (${(err as Error).message}): cần ảnh PNG nền trong suốt.`);
  }
  if (meta.format !== 'png') throw fail(`Ảnh con dấu "${path}" là ${meta.format?.toUpperCase() ?? 'không rõ định dạng'}: cần ảnh PNG nền trong suốt.`);
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let transparent = 0;
  let ink = 0;
  let red = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    const [r, g, b, alpha] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
    if (alpha < 16) { transparent++; continue; }
    if (alpha < 128) continue;
    // near-white opaque pixels are paper, not ink
    if (r > 230 && g > 230 && b > 230) continue;
    ink++;
    if (r > 110 && r > g + 50 && r > b + 50) red++;
  }
  const pixels = info.width * info.height;
  if (!meta.hasAlpha || transparent < pixels * 0.05) {
    throw fail(`Ảnh con dấu "${path}" không có nền trong suốt (${meta.hasAlpha ? 'kênh alpha có nhưng gần như không có điểm trong suốt' : 'không có kênh alpha'}): nền trắng sẽ che chữ trên văn bản. Hãy xuất lại ảnh PNG có nền trong suốt.`);
  }
  const warnings: string[] = [];
  const dpi = meta.density;
  let size = 'kích thước thật không rõ (ảnh không ghi dpi)';
  if (dpi && dpi > 0) {
    const w = (info.width / dpi) * 25.4;
    const h = (info.height / dpi) * 25.4;
    size = `${w.toFixed(1)} × ${h.toFixed(1)} mm ở ${dpi} dpi`;
    if (Math.max(w, h) < 20 || Math.max(w, h) > 60) warnings.push(`Con dấu có kích thước ${size}: con dấu thật thường 30–45 mm; hãy kiểm tra dpi của ảnh.`);
  } else {
    warnings.push('Ảnh con dấu không ghi dpi: không biết kích thước thật khi in; nên xuất lại ảnh với dpi (ví dụ 300).');
  }
  const redShare = ink ? red / ink : 0;
  if (redShare < 0.6) warnings.push(`Chỉ ${Math.round(redShare * 100)} % nét của con dấu có màu đỏ: con dấu cơ quan thường màu đỏ; hãy kiểm tra đúng ảnh.`);
  return outcome('seal', { 'agency.sealPath': path, 'agency.developmentSeal': false }, [
    `Con dấu ${path}: ${info.width} × ${info.height} điểm ảnh, ${size}, nền trong suốt ${Math.round((transparent / pixels) * 100)} %, nét đỏ ${Math.round(redShare * 100)} %`,
  ], { warnings });
}
