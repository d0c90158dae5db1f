import type { Logger } from '../../appliance/log.js';
import { SaneScanner } from './sane-scanner.js';
import { DEFAULT_ESCL_DEVICE_NAME, writeSaneConfig } from './sane-config.js';
import { EsclSimulator } from './escl-simulator/simulator.js';

// What the composition root calls to get the configured scanner: with the demo simulator on, it
// starts the eSCL simulator, pins it in a private SANE config and drives it through sane-airscan
// like any network scanner; a real network scanner named by its eSCL URL (scanner.esclUrl) is
// pinned the same way, so it is found without network discovery and survives a DHCP-less network.

export interface ScannerSettings {
  /** SANE device name; for the simulator `airscan:e0:<name>`. */
  device: string;
  /** Private SANE config folder (written here when set); empty = the system's /etc/sane.d. */
  saneConfigDir: string;
  /** A network scanner pinned by its eSCL URL in the private SANE config ('' = none). */
  esclUrl?: string;
  simulator: { enabled: boolean; port: number; pagesDir: string; pagesPerMinute?: number };
}

export interface RunningScanner {
  scanner: SaneScanner;
  simulator?: EsclSimulator;
  stop(): Promise<void>;
}

export async function startScanner(cfg: ScannerSettings, log?: Logger): Promise<RunningScanner> {
  let simulator: EsclSimulator | undefined;
  let esclUrl: string | undefined = cfg.esclUrl || undefined;
  if (cfg.simulator.enabled) {
    simulator = new EsclSimulator({ port: cfg.simulator.port, pagesDir: cfg.simulator.pagesDir, pagesPerMinute: cfg.simulator.pagesPerMinute, log: log?.child({ part: 'escl-simulator' }) });
    esclUrl = (await simulator.start()).url;
  }
  if (cfg.saneConfigDir) {
    const deviceName = cfg.device.startsWith('airscan:e0:') ? cfg.device.slice('airscan:e0:'.length) : DEFAULT_ESCL_DEVICE_NAME;
    await writeSaneConfig(cfg.saneConfigDir, { esclUrl, deviceName });
  }
  const scanner = new SaneScanner({ device: cfg.device, saneConfigDir: cfg.saneConfigDir || undefined, log: log?.child({ part: 'scanner' }) });
  return { scanner, simulator, stop: async () => { await simulator?.stop(); } };
}
