import { join } from 'node:path';
import type { Layer } from './layers.js';
import type { Problem } from './validate.js';

// Two profiles, never mixed.
// - demo: there is no configuration file. Every part is the demo one (embedded receiver, eSCL
//   simulator, development SoftHSM token and seal, demo account), so `npm start` works with no
//   hardware and no network — and the log, GET /api/status and the UI say so loudly.
// - device: a configuration file exists. Every part must be named in it; a demo part is used only
//   when the file asks for that part by its switch, and is then listed in `demoParts`.

export type Profile = 'demo' | 'device';

/** The parts a demo can stand in for, each with the switch a device's file uses to ask for it. */
export type DemoPart = 'central' | 'scanner' | 'token' | 'seal' | 'account';

export const DEMO_SWITCHES: Record<Exclude<DemoPart, 'account'>, string> = {
  central: 'central.embedded',
  scanner: 'scanner.simulator.enabled',
  token: 'token.development',
  seal: 'agency.developmentSeal',
};

export interface ProfileInfo {
  profile: Profile;
  /** The demo parts in use (all of them on the demo profile). */
  demoParts: DemoPart[];
}

/** What a loaded configuration runs on: read from the switches, so it holds for any Config. */
export function describeProfile(config: {
  configFile: string; central: { embedded: boolean }; scanner: { simulator: { enabled: boolean } };
  token: { development: boolean }; agency: { developmentSeal: boolean };
}): ProfileInfo {
  const profile: Profile = config.configFile ? 'device' : 'demo';
  const parts: DemoPart[] = [];
  if (config.central.embedded) parts.push('central');
  if (config.scanner.simulator.enabled) parts.push('scanner');
  if (config.token.development) parts.push('token');
  if (config.agency.developmentSeal) parts.push('seal');
  if (profile === 'demo') parts.push('account');
  return { profile, demoParts: parts };
}

/** The development token's folder (provisioning/dev-token.sh writes it). */
export const devTokenDir = (dataDir: string) => join(dataDir, 'dev-token');

/**
 * The demo parts' values for a data folder: all of them on the demo profile, else the asked ones.
 * The development paths follow the data folder.
 */
export function demoLayer(dataDir: string, asked: ReadonlySet<DemoPart>, profile: Profile): Layer {
  const dev = devTokenDir(dataDir);
  const v = new Map<string, unknown>();
  const on = (p: DemoPart) => profile === 'demo' || asked.has(p);
  if (profile === 'demo') {
    v.set('agency.id', '000.00.00.H99');
    v.set('agency.name', 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)');
  }
  if (on('seal')) {
    v.set('agency.sealPath', join(dev, 'seal.png'));
    v.set('agency.developmentSeal', true);
  }
  if (on('central')) {
    v.set('central.url', 'http://127.0.0.1:8090');
    v.set('central.deviceToken', 'dev-device-token');
    v.set('central.toId', '000.00.00.H00');
    v.set('central.toName', 'HỆ THỐNG QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH TỈNH (THỬ NGHIỆM)');
    v.set('central.embedded', true);
  }
  if (on('scanner')) {
    v.set('scanner.device', 'airscan:e0:Sohoa demo scanner');
    v.set('scanner.saneConfigDir', join(dataDir, 'sane'));
    v.set('scanner.simulator.enabled', true);
  }
  if (on('token')) {
    v.set('token.module', '/usr/lib/softhsm/libsofthsm2.so');
    v.set('token.label', 'SOHOA DEV');
    v.set('token.env', { SOFTHSM2_CONF: join(dev, 'softhsm2.conf') });
    v.set('token.chainPath', join(dev, 'chain.pem'));
    v.set('token.trustPath', join(dev, 'ca.pem'));
    v.set('token.development', true);
  }
  return { source: { kind: 'demo' }, values: v };
}

interface Needed { keys: string[]; what: string }
interface Part { part: string; ask?: string; needs: Needed[] }

/** What a device's file must name, part by part (unless it asks for that part's demo). */
const PARTS: Part[] = [
  { part: 'cơ quan', needs: [
    { keys: ['agency.id'], what: 'mã định danh của cơ quan, ví dụ "000.00.00.H41"' },
    { keys: ['agency.name'], what: 'tên cơ quan' },
  ] },
  { part: 'con dấu', ask: '"agency": {"developmentSeal": true}', needs: [{ keys: ['agency.sealPath'], what: 'đường dẫn ảnh con dấu PNG' }] },
  { part: 'hệ thống trung tâm', ask: '"central": {"embedded": true}', needs: [
    { keys: ['central.url'], what: 'địa chỉ hệ thống quản lý văn bản của tỉnh' },
    { keys: ['central.toId'], what: 'mã định danh của hệ thống nhận văn bản' },
    { keys: ['central.toName'], what: 'tên của hệ thống nhận văn bản' },
  ] },
  { part: 'máy quét', ask: '"scanner": {"simulator": {"enabled": true}}', needs: [{ keys: ['scanner.device'], what: 'tên thiết bị SANE của máy quét, xem scanimage -L' }] },
  { part: 'khoá ký số', ask: '"token": {"development": true}', needs: [
    { keys: ['token.module'], what: 'thư viện PKCS#11 của khoá ký số' },
    { keys: ['token.label', 'token.serial'], what: 'nhãn hoặc số serial của khoá' },
    { keys: ['token.trustPath'], what: 'tệp PEM các chứng thư gốc tin cậy' },
  ] },
];

/** The parts a device's configuration leaves unnamed, one problem per part saying what to write. */
export function missingParts(get: (key: string) => unknown): Problem[] {
  const named = (k: string) => typeof get(k) === 'string' && (get(k) as string).trim() !== '';
  return PARTS.flatMap((p) => {
    const missing = p.needs.filter((n) => !n.keys.some(named));
    if (!missing.length) return [];
    return [{
      key: missing[0]!.keys[0]!,
      message: `Thiếu phần "${p.part}": cấu hình của thiết bị phải ghi ` +
        missing.map((n) => `${n.keys.map((k) => `"${k}"`).join(' hoặc ')} (${n.what})`).join(', ') +
        (p.ask ? `. Chỉ khi muốn dùng phần THỬ NGHIỆM thay cho nó mới ghi ${p.ask}.` : '.'),
    }];
  });
}
