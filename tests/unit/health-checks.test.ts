import { describe, expect, it } from 'vitest';
import { checkDisk, checkLastDelivery, checkToken } from '../../appliance/health/checks.js';
import type { TokenStatus } from '../../drivers/token/token.js';

// The judgement of each /healthz part from what was observed (the observing itself — scanner
// probe, statfs, central's /healthz — runs against real parts in tests/integration/monitoring).

const NOW = Date.parse('2026-11-23T03:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();
const token = (s: Partial<TokenStatus>): TokenStatus => ({
  present: true, label: 'VGCA', serial: '1', loggedIn: false, pinCountLow: false, pinFinalTry: false, pinLocked: false, error: null, ...s,
});

describe('health judgements', () => {
  it('calls delivery stuck only when a document has waited longer than the setting', () => {
    const delivered = { state: 'delivered' as const, enqueuedAt: minutesAgo(300), deliveredAt: minutesAgo(290) };
    const idle = checkLastDelivery([delivered], 60, NOW);
    expect(idle.ok).toBe(true);
    expect(idle.detail).toMatchObject({ waiting: 0, lastDeliveryAgeSeconds: 290 * 60 });
    expect(idle.message).toMatch(/4 giờ trước/);

    const fresh = checkLastDelivery([delivered, { state: 'queued', enqueuedAt: minutesAgo(10), deliveredAt: null }], 60, NOW);
    expect(fresh.ok).toBe(true);
    expect(fresh.detail).toMatchObject({ waiting: 1, oldestWaitingSeconds: 600 });

    const stuck = checkLastDelivery([delivered, { state: 'sending', enqueuedAt: minutesAgo(75), deliveredAt: null }, { state: 'queued', enqueuedAt: minutesAgo(5), deliveredAt: null }], 60, NOW);
    expect(stuck.ok).toBe(false);
    expect(stuck.message).toMatch(/^2 văn bản chờ gửi, văn bản chờ lâu nhất đã 1 giờ/);
    // rejected documents are the clerk's to fix, not a stuck queue
    expect(checkLastDelivery([{ state: 'rejected', enqueuedAt: minutesAgo(500), deliveredAt: null }], 60, NOW).ok).toBe(true);
    expect(checkLastDelivery([], 60, NOW).detail.lastDeliveredAt).toBeNull();
  });

  it('wants the token present and usable; locked for want of a PIN is fine', () => {
    expect(checkToken(token({})).ok).toBe(true);
    expect(checkToken(token({ loggedIn: true })).ok).toBe(true);
    expect(checkToken(token({ present: false, serial: null, label: null })).ok).toBe(false);
    const locked = checkToken(token({ pinLocked: true }));
    expect(locked.ok).toBe(false);
    expect(locked.message).toMatch(/khoá mã PIN/);
    const broken = checkToken(token({ present: false, error: { code: 'token.module', message: 'Không tải được thư viện khoá ký số.' } }));
    expect(broken).toMatchObject({ ok: false, message: 'Không tải được thư viện khoá ký số.' });
  });

  it('wants the configured free space on the data disk', () => {
    const MB = 1024 * 1024;
    expect(checkDisk('/d', { freeBytes: 2048 * MB, sizeBytes: 10_000 * MB }, 1024)).toMatchObject({ ok: true, message: 'Ổ đĩa dữ liệu còn trống 2,0 GB.' });
    const short = checkDisk('/d', { freeBytes: 300 * MB, sizeBytes: 10_000 * MB }, 1024);
    expect(short.ok).toBe(false);
    expect(short.message).toMatch(/chỉ còn trống 300 MB \(cần ít nhất 1,0 GB\)/);
    expect(checkDisk('/d', new Error('ENOENT'), 1024).ok).toBe(false);
  });
});
