import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { airscanDeviceName, writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { pickSource } from '../../drivers/scanner/sane-options.js';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { ScannerDiscovery } from '../../drivers/scanner/discovery.js';
import { scannerErrors } from '../../drivers/scanner/scanner-errors.js';
import { SohoaError } from '../errors.js';
import { outcome, ProvisionError, type PendingFile, type StepOutcome } from './types.js';

// Step "scanner": find the scanner (`scanimage -L`, or a network scanner by its eSCL URL, pinned
// as an airscan device in Sohoa's private SANE config folder), scan one page to prove it works,
// and choose the profile. Decree 30 asks for colour at 200 dpi or more.

export type Source = 'adf' | 'adf-duplex' | 'flatbed';

export interface ScannerAnswers {
  /** SANE device name (`scanimage -L`); ignored when `esclUrl` is given. */
  device: string;
  /** eSCL base URL of a network scanner, e.g. http://192.168.1.20/eSCL. */
  esclUrl: string;
  /** Name of the pinned eSCL scanner (device `airscan:e0:<name>`). */
  name: string;
  /** Private SANE config folder Sohoa writes ('' = the system's /etc/sane.d). */
  saneConfigDir: string;
  source: Source;
  mode: 'color' | 'gray';
  dpi: number;
}

export interface FoundScanner {
  device: string; vendor: string; model: string; type: string;
  /** Its paper sources by kind (flatbed, adf-front, adf-duplex…); empty when it could not be opened. */
  sources: string[];
}

const fail = (vi: string, detail?: string) => new ProvisionError('scanner', vi, detail);
const SOURCE_VI: Record<Source, string> = { adf: 'khay nạp giấy (adf)', 'adf-duplex': 'khay nạp hai mặt (adf-duplex)', flatbed: 'mặt kính (flatbed)' };

/**
 * The scanners SANE sees with this config folder ('' = the system's; network discovery can take
 * seconds): the appliance's own discovery (drivers/scanner/discovery.ts), each device with its sources.
 */
export async function discoverScanners(saneConfigDir: string, timeoutMs = 30_000): Promise<FoundScanner[]> {
  try {
    const found = await new ScannerDiscovery({ saneConfigDir: saneConfigDir || undefined, listTimeoutMs: timeoutMs }).list();
    return found.map((f) => ({ device: f.device, vendor: f.vendor, model: f.model, type: f.type, sources: f.options?.sourceKinds ?? [] }));
  } catch (err) {
    const detail = (err as Error).message;
    if (/not installed/.test(detail)) throw fail('Chưa cài SANE (lệnh scanimage): hãy cài gói sane-utils và sane-airscan.', detail);
    const timedOut = (err as SohoaError).vi === scannerErrors.stalled().vi;
    throw fail(`Không liệt kê được máy quét (scanimage -L ${timedOut ? `quá ${timeoutMs / 1000} giây` : detail}).`, detail);
  }
}

/** The backends the private dll.conf lists for a device: its own, and airscan for network scanners. */
function backendsFor(device: string): string[] {
  const own = device.split(':')[0] ?? 'airscan';
  return [...new Set([own, 'airscan'])];
}

export async function checkScanner(a: ScannerAnswers): Promise<StepOutcome> {
  const esclUrl = a.esclUrl.trim();
  const name = (a.name.trim() || 'May quet').replace(/"/g, '');
  const saneConfigDir = a.saneConfigDir.trim();
  if (!Number.isInteger(a.dpi) || a.dpi < 200) throw fail(`Độ phân giải ${a.dpi} dpi thấp hơn mức tối thiểu 200 dpi mà Nghị định 30/2020/NĐ-CP quy định cho bản số hoá: hãy chọn 200, 300 dpi.`);
  if (a.dpi > 600) throw fail(`Độ phân giải ${a.dpi} dpi quá cao cho văn bản (tệp rất lớn, quét chậm): hãy chọn 200–600 dpi, thường là 300.`);
  if (a.mode !== 'color') throw fail('Nghị định 30/2020/NĐ-CP yêu cầu bản số hoá là ảnh màu: hãy chọn chế độ màu (color).');
  if (!(['adf', 'adf-duplex', 'flatbed'] as const).includes(a.source)) throw fail(`Nguồn giấy "${String(a.source)}" không có: chọn adf, adf-duplex hoặc flatbed.`);
  if (esclUrl && (!URL.canParse(esclUrl) || !/^https?:/.test(esclUrl))) throw fail(`"${esclUrl}" không phải địa chỉ eSCL hợp lệ: cần dạng http://192.168.1.20/eSCL.`);
  if (esclUrl && !saneConfigDir) throw fail('Máy quét mạng (eSCL) cần thư mục cấu hình SANE riêng của Sohoa, ví dụ /etc/sohoa/sane.');
  const device = esclUrl ? airscanDeviceName(name) : a.device.trim();
  if (!device) throw fail('Chưa chọn máy quét: hãy chọn một thiết bị trong danh sách (scanimage -L) hoặc nhập địa chỉ eSCL của máy quét mạng.');

  // Everything is tried in a staging folder; the private SANE config is written only at the end.
  const work = await mkdtemp(join(tmpdir(), 'sohoa-provision-scan-'));
  try {
    const stage = saneConfigDir ? join(work, 'sane') : '';
    if (stage) await writeSaneConfig(stage, { esclUrl: esclUrl || undefined, deviceName: name, backends: backendsFor(device) });
    const found = await discoverScanners(stage);
    const scanner = new SaneScanner({ device, saneConfigDir: stage || undefined, stallMs: 60_000 });
    let sources: string[]; let adfModes: string[];
    try {
      ({ sources, adfModes } = await scanner.probe());
    } catch (err) {
      const listed = found.length ? `các máy quét tìm thấy: ${found.map((f) => `${f.device} (${f.vendor} ${f.model})`).join(', ')}` : 'không tìm thấy máy quét nào';
      throw fail(`Không mở được máy quét "${device}"${esclUrl ? ` tại ${esclUrl}` : ''}; ${listed}. Hãy kiểm tra máy quét đã bật, đã cắm cáp/nối mạng.`, (err as Error).message);
    }
    if (!pickSource({ sources, adfModes }, a.source)) throw fail(`Máy quét "${device}" không có ${SOURCE_VI[a.source]}; nguồn giấy nó có: ${sources.join(', ')}.`);
    const outDir = join(work, 'page');
    await import('node:fs/promises').then((fs) => fs.mkdir(outDir));
    let page: { path: string; dpi: number } | undefined;
    try {
      for await (const p of scanner.scan({ source: a.source, mode: a.mode, dpi: a.dpi, outDir, maxPages: 1 })) { page = p; break; }
    } catch (err) {
      const e = err instanceof SohoaError ? err : undefined;
      throw fail(`Quét thử một trang không được: ${e?.vi ?? (err as Error).message}`, e?.message);
    }
    if (!page) throw fail('Máy quét không trả về trang nào: hãy đặt một tờ văn bản vào khay rồi thử lại.');
    if (page.dpi < 200) throw fail(`Máy quét "${device}" chỉ quét được ${page.dpi} dpi, dưới mức 200 dpi của Nghị định 30.`);
    const m = await sharp(page.path).metadata();
    const files: PendingFile[] = [];
    if (stage) for (const f of await readdir(stage)) files.push({ path: join(saneConfigDir, f), content: await readFile(join(stage, f), 'utf8'), mode: 0o644 });
    return outcome('scanner', {
      'scanner.device': device,
      'scanner.saneConfigDir': saneConfigDir,
      'scanner.source': a.source,
      'scanner.mode': a.mode,
      'scanner.dpi': a.dpi,
      'scanner.simulator.enabled': false,
    }, [
      `Máy quét ${device}${esclUrl ? ` (eSCL ${esclUrl})` : ''}; nguồn giấy có: ${sources.join(', ')}`,
      `Đã quét thử 1 trang: ${m.width} × ${m.height} điểm ảnh, ${page.dpi} dpi, ${m.channels === 1 ? 'xám' : 'màu'}, ${SOURCE_VI[a.source]}`,
    ], { files });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

