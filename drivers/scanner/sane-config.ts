import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../appliance/store/atomic-write.js';
import { isDiskFull } from '../../appliance/store/disk-guard.js';

// A private SANE configuration folder (used through SANE_CONFIG_DIR): nothing in /etc is touched,
// and with only the backends we need listed, device discovery takes milliseconds instead of the
// seconds that Debian's full dll.conf spends probing the network.

export interface SaneConfigOptions {
  /** eSCL base URL of the scanner to pin for sane-airscan, e.g. `http://127.0.0.1:8091/eSCL`. */
  esclUrl?: string;
  /** Name under which the pinned eSCL scanner appears (`airscan:e0:<name>`). */
  deviceName?: string;
  /** Backends listed in dll.conf (default: test, airscan). */
  backends?: string[];
}

export const DEFAULT_ESCL_DEVICE_NAME = 'Sohoa demo scanner';

/** The SANE device name sane-airscan gives the first pinned eSCL scanner. */
export function airscanDeviceName(name: string = DEFAULT_ESCL_DEVICE_NAME): string {
  return `airscan:e0:${name}`;
}

/** Writes dll.conf, test.conf and airscan.conf into `dir` (created if missing). */
export async function writeSaneConfig(dir: string, opts: SaneConfigOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const backends = opts.backends ?? ['test', 'airscan'];
  await writeIfChanged(join(dir, 'dll.conf'), backends.join('\n') + '\n');
  // The test backend's scan area is 200 mm unless told otherwise: too short for A4 (297 mm).
  await writeIfChanged(join(dir, 'test.conf'), 'geometry_max 300.0\n');
  const name = (opts.deviceName ?? DEFAULT_ESCL_DEVICE_NAME).replace(/"/g, '');
  const devices = opts.esclUrl ? `"${name}" = ${opts.esclUrl}, eSCL\n` : '';
  await writeIfChanged(
    join(dir, 'airscan.conf'),
    `[devices]\n${devices}\n[options]\ndiscovery = disable\nmodel = hardware\n`,
  );
}

/**
 * Written at every start: left alone when already right; on a full data disk the file there is
 * kept (the service must start and serve; new scans are refused then anyway).
 */
async function writeIfChanged(path: string, text: string): Promise<void> {
  const old = await readFile(path, 'utf8').catch(() => null);
  if (old === text) return;
  try {
    await atomicWrite(path, text);
  } catch (err) {
    if (old === null || !isDiskFull(err)) throw err;
  }
}
