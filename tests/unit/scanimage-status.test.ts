import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanEndError, scanEndKind } from '../../drivers/scanner/scanimage-status.js';
import { projectPath } from '../../appliance/config/paths.js';

// Every scanner failure named with what to do, read from stderr that scanimage really printed
// (tests/fixtures/scanner/stderr/README.md says how each was recorded).

const stderr = (name: string) => readFileSync(join(projectPath('tests', 'fixtures', 'scanner', 'stderr'), `${name}.stderr`), 'utf8');

describe('scanimage end of run, on recorded stderr', () => {
  it.each([
    ['test-jammed', 6, 'scanner.jammed', /kẹt/],
    ['test-cover-open', 8, 'scanner.cover-open', /Nắp máy quét đang mở/],
    ['test-device-busy', 3, 'scanner.busy', /báo đang bận/],
    ['test-io-error', 9, 'scanner.disconnected', /ngắt kết nối/],
    ['airscan-unplugged-mid-batch', 9, 'scanner.disconnected', /cắm lại cáp USB.*Tiếp tục/],
    ['open-no-such-device', 1, 'scanner.not-found', /Không tìm thấy máy quét/],
    ['airscan-open-unplugged', 1, 'scanner.not-found', /Không tìm thấy máy quét/],
  ])('%s (exit %d) → %s with what to do', (name, code, want, says) => {
    const err = scanEndError(code, stderr(name), 1);
    expect(err?.code).toBe(want);
    expect(err?.vi).toMatch(says);
    expect(err?.message).toContain('scanimage:'); // the log keeps scanimage's own words
  });

  it('an empty feeder ends a batch normally once a page came, and is an error before any', () => {
    expect(scanEndError(0, stderr('test-no-docs'), 3)).toBeNull();
    expect(scanEndError(0, stderr('test-no-docs'), 0)?.code).toBe('scanner.no-docs');
  });

  it('an unplugged scanner says how many pages were kept', () => {
    expect(scanEndError(9, stderr('airscan-unplugged-mid-batch'), 3)?.vi).toMatch(/đã quét được 3 trang, vẫn được giữ/);
  });

  it('the sentence wins over the exit status; warnings alone are no failure', () => {
    expect(scanEndKind(1, 'scanimage: sane_start: Document feeder jammed\n')).toBe('jammed');
    expect(scanEndKind(0, 'scanimage: rounded value of br-x from 210 to 209.981\n')).toBeUndefined();
    expect(scanEndError(0, 'scanimage: rounded value of br-x from 210 to 209.981\n', 2)).toBeNull();
    expect(scanEndError(1, 'scanimage: sane_start: Invalid argument\n', 0)?.code).toBe('scanner.device');
  });
});
