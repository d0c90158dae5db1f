import { useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { ErrorInfo } from '../types.js';
import type { ScannerStatus } from '../../../appliance/capture/scanner-presence.js';

// The technician's "Tìm lại máy quét": discovery again (POST /api/scanner/refresh), the scanners
// SANE lists with their sources and sensors, and whether the configured one answers.

interface Found { device: string; vendor: string; model: string; sources: string[]; sensors: string[]; error: string | null }

export function ScannerRefresh(props: { onError: (e: ErrorInfo) => void }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ status: ScannerStatus; scanners: Found[] } | null>(null);
  const refresh = async () => {
    setBusy(true);
    try {
      setResult(await api.post<{ status: ScannerStatus; scanners: Found[] }>('/api/scanner/refresh', {}));
    } catch (err) {
      props.onError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="setup-step">
      <h2>{S.setup.scannerRefresh}</h2>
      <button class="btn btn-wide" data-testid="scanner-refresh" disabled={busy} onClick={refresh}>{busy ? S.setup.working : S.setup.scannerRefresh}</button>
      {result && (
        <ul class="setup-result" data-testid="scanner-list">
          <li class={result.status.present ? 'text-ok' : 'text-warn'}>{S.setup.scannerPresent(result.status.device, result.status.present)}</li>
          {result.scanners.map((s) => (
            <li key={s.device}>{s.device} — {s.vendor} {s.model}{s.sources.length ? ` (${s.sources.join(', ')})` : ''}{s.sensors.length ? ` · ${S.setup.sensors}: ${s.sensors.join(', ')}` : ''}{s.error ? ` · ${s.error}` : ''}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
