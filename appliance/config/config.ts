import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkOfficeHours } from '../register/office-hours.js';
import { projectPath } from './paths.js';

// One typed settings object: embedded defaults < config file < environment (SOHOA_*).
// The embedded defaults run everything locally (demo scanner, development token, reference
// central receiver) so that `npm start` works with no hardware and no network.

export interface Config {
  /**
   * Not a setting: the configuration file these settings came from, '' on the embedded defaults
   * (then, and only then, a fresh data folder gets the demo account).
   */
  configFile: string;
  /** Where every stage keeps its state; each stage owns one sub-folder. */
  dataDir: string;
  http: { host: string; port: number };
  agency: {
    /** OrganId (edXML), legacy `000.00.00.H41` or new `H37.02.02` form. */
    id: string;
    name: string;
    /** Seal image (PNG, transparent) for the visible signature. */
    sealPath: string;
  };
  central: {
    url: string;
    /** Bearer token of this device (loopback), or empty when mutual TLS is used. */
    deviceToken: string;
    /** Recipient OrganId/OrganName of the province's central system. */
    toId: string;
    toName: string;
    /** Run the reference receiver inside the appliance (demo / development). */
    embedded: boolean;
  };
  scanner: {
    /** SANE device name, e.g. `airscan:e0:Sohoa demo` or `test:0`. */
    device: string;
    /** SANE_CONFIG_DIR for scanimage; empty = system config. */
    saneConfigDir: string;
    source: 'adf' | 'adf-duplex' | 'flatbed';
    mode: 'color' | 'gray';
    dpi: number;
    /** Start the eSCL simulator that serves sample pages (demo scanner). */
    simulator: { enabled: boolean; port: number; pagesDir: string };
  };
  token: {
    /** PKCS#11 module path; empty = discover known locations. */
    module: string;
    label: string;
    serial: string;
    /** Extra environment for the module (e.g. SOFTHSM2_CONF of the development token). */
    env: Record<string, string>;
    /** Certificate chain (PEM) above the token's certificate, embedded in signatures. */
    chainPath: string;
    /** Trust anchors (PEM) for certificate checks. */
    trustPath: string;
    idleLogoutMinutes: number;
  };
  signing: {
    /** RFC 3161 timestamp service; empty = PAdES B-B. Unreachable = B-B with a warning, never a blocked desk. */
    tsaUrl: string;
  };
  ocr: {
    /** Folder holding vie.traineddata; empty = Debian's tesseract-ocr-vie, else the npm package. Never downloaded. */
    langPath: string;
    workers: number;
    /** Time limit of one tesseract run (a page, or a region of one); past it the process is killed and that page fails. */
    pageTimeoutSeconds: number;
  };
  extract: {
    /** Provisioned agency directory (JSON array of {name, id, parent?}); empty = the built-in list only. */
    agenciesPath: string;
  };
  register: {
    /** Office hours, local time (+07:00); arrivals outside count from the next opening. */
    officeHours: { start: string; end: string; days: number[] };
  };
  outbox: { minDelayMs: number; maxDelayMs: number };
  accounts: {
    /** A desk session ends after this many minutes without a command (the screen returns to login). */
    sessionIdleMinutes: number;
  };
  backup: {
    /** Where `sohoa backup` writes (an external disk or a mounted share); default `<dataDir>/backup`. */
    dir: string;
    /** How many daily backups to keep. */
    keep: number;
  };
  monitoring: {
    /** Who may read GET /metrics and GET /healthz: addresses or CIDR ranges, IPv4 or IPv6; others get 403. */
    allow: string[];
    /** /healthz reports the disk short when the data folder's file system has less free space than this (MB). */
    minFreeDiskMB: number;
    /** /healthz reports delivery stuck when a document has waited to go out longer than this (minutes). */
    deliveryStaleMinutes: number;
  };
}

export function embeddedDefaults(): Config {
  const dataDir = projectPath('var');
  return {
    configFile: '',
    dataDir,
    http: { host: '127.0.0.1', port: 8080 },
    agency: {
      id: '000.00.00.H99',
      name: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)',
      sealPath: resolve(dataDir, 'dev-token', 'seal.png'),
    },
    central: {
      url: 'http://127.0.0.1:8090',
      deviceToken: 'dev-device-token',
      toId: '000.00.00.H00',
      toName: 'HỆ THỐNG QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH TỈNH (THỬ NGHIỆM)',
      embedded: true,
    },
    scanner: {
      device: 'airscan:e0:Sohoa demo scanner',
      saneConfigDir: resolve(dataDir, 'sane'),
      source: 'adf',
      mode: 'color',
      dpi: 200,
      simulator: { enabled: true, port: 8091, pagesDir: projectPath('provisioning', 'demo-pages') },
    },
    token: {
      // The development token (SoftHSM2); a device's config names its real module, or '' to discover it.
      module: '/usr/lib/softhsm/libsofthsm2.so',
      label: 'SOHOA DEV',
      serial: '',
      env: { SOFTHSM2_CONF: resolve(dataDir, 'dev-token', 'softhsm2.conf') },
      chainPath: resolve(dataDir, 'dev-token', 'chain.pem'),
      trustPath: resolve(dataDir, 'dev-token', 'ca.pem'),
      idleLogoutMinutes: 30,
    },
    signing: { tsaUrl: '' },
    ocr: { langPath: '', workers: 2, pageTimeoutSeconds: 60 },
    extract: { agenciesPath: '' },
    register: { officeHours: { start: '07:30', end: '17:00', days: [1, 2, 3, 4, 5] } },
    outbox: { minDelayMs: 1000, maxDelayMs: 5 * 60_000 },
    accounts: { sessionIdleMinutes: 15 },
    backup: { dir: resolve(dataDir, 'backup'), keep: 30 },
    monitoring: { allow: ['127.0.0.0/8', '::1/128'], minFreeDiskMB: 1024, deliveryStaleMinutes: 60 },
  };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = b && typeof b === 'object' && !Array.isArray(b) && typeof v === 'object' && !Array.isArray(v)
      ? merge(b, v as DeepPartial<typeof b>)
      : v;
  }
  return out as T;
}

/** Environment overrides: the handful a technician or a test sets without writing a file. */
function fromEnv(env: NodeJS.ProcessEnv): DeepPartial<Config> {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const str = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  const bool = (v: string | undefined) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true');
  return {
    dataDir: str(env.SOHOA_DATA_DIR),
    http: { host: str(env.SOHOA_HOST), port: num(env.SOHOA_PORT) },
    central: { url: str(env.SOHOA_CENTRAL_URL), deviceToken: str(env.SOHOA_CENTRAL_TOKEN), embedded: bool(env.SOHOA_CENTRAL_EMBEDDED) },
    scanner: { device: str(env.SOHOA_SCANNER_DEVICE), saneConfigDir: str(env.SOHOA_SANE_CONFIG_DIR) },
    token: { module: str(env.SOHOA_TOKEN_MODULE), label: str(env.SOHOA_TOKEN_LABEL), serial: str(env.SOHOA_TOKEN_SERIAL) },
    ocr: { workers: num(env.SOHOA_OCR_WORKERS) },
    backup: { dir: str(env.SOHOA_BACKUP_DIR) },
  } as DeepPartial<Config>;
}

/**
 * Loads the configuration. The file is `SOHOA_CONFIG`, else `/etc/sohoa/config.json` when it
 * exists; a relative `dataDir` in it is taken from the file's folder. When the file moves the
 * data folder, the derived development paths follow it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = env.SOHOA_CONFIG ?? (existsSync('/etc/sohoa/config.json') ? '/etc/sohoa/config.json' : '');
  let fileCfg: DeepPartial<Config> | undefined;
  if (file) {
    try {
      fileCfg = JSON.parse(readFileSync(file, 'utf8')) as DeepPartial<Config>;
    } catch (err) {
      throw new Error(`sohoa: cannot read the configuration file ${file}: ${(err as Error).message}`);
    }
  }
  const over = merge(fileCfg ?? {}, fromEnv(env));
  const dataDir = over.dataDir ? resolve(over.dataDir) : undefined;
  const base = dataDir ? defaultsFor(dataDir) : embeddedDefaults();
  const config = merge(base, { ...over, dataDir: dataDir ?? base.dataDir, configFile: file ? resolve(file) : '' });
  // A setting that cannot work is refused now, with its key, not met later by a frozen desk.
  checkOfficeHours(config.register.officeHours);
  return config;
}

/** The embedded defaults with every derived path moved under another data folder. */
export function defaultsFor(dataDir: string): Config {
  const d = embeddedDefaults();
  return merge(d, {
    dataDir,
    agency: { sealPath: resolve(dataDir, 'dev-token', 'seal.png') },
    scanner: { saneConfigDir: resolve(dataDir, 'sane') },
    token: {
      env: { SOFTHSM2_CONF: resolve(dataDir, 'dev-token', 'softhsm2.conf') },
      chainPath: resolve(dataDir, 'dev-token', 'chain.pem'),
      trustPath: resolve(dataDir, 'dev-token', 'ca.pem'),
    },
    backup: { dir: resolve(dataDir, 'backup') },
  });
}
