import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { S } from '../strings.js';
import type { CaptureProfile } from '../../../appliance/capture/profiles.js';
import type { ScannerStatus } from '../../../appliance/capture/scanner-presence.js';

// The scan screen's one-touch buttons: one per capture profile the technician provisioned
// (GET /api/profiles), in order; the first is the default (also what a pedal or the scanner's own
// button starts). A batch profile starts a batch. Until the list has come (or if it cannot), the
// two plain buttons stand in. The first single-document button keeps data-testid "scan", the
// first batch one "batch", as before profiles, and the first outgoing one "scan-outgoing".

export function ProfileButtons(props: { disabled: boolean; onScan: (profile?: string) => void; onBatch: (profile?: string) => void }) {
  const [profiles, setProfiles] = useState<CaptureProfile[] | null>(null);
  useEffect(() => {
    api.get<{ profiles: CaptureProfile[] }>('/api/profiles').then((r) => setProfiles(r.profiles), () => setProfiles([]));
  }, []);
  if (!profiles || profiles.length === 0) {
    return (
      <div class="profile-buttons">
        <button class="btn btn-scan" data-testid="scan" disabled={props.disabled} onClick={() => props.onScan()}>{S.scan.start}</button>
        <button class="btn btn-batch" data-testid="batch" disabled={props.disabled} onClick={() => props.onBatch()}>{S.batch.start}</button>
      </div>
    );
  }
  const firstSingle = profiles.find((p) => !p.batch);
  const firstBatch = profiles.find((p) => p.batch);
  const firstOutgoing = profiles.find((p) => p.book === 'outgoing' && !p.batch);
  return (
    <div class="profile-buttons" role="group" aria-label={S.scan.profilesLabel}>
      {profiles.map((p, i) => (
        <button key={p.name} class={`btn btn-profile ${i === 0 ? 'btn-scan' : p.batch ? 'btn-batch' : p.book === 'outgoing' ? 'btn-scan-out' : 'btn-profile-more'}`}
          data-testid={p === firstSingle ? 'scan' : p === firstBatch ? 'batch' : p === firstOutgoing ? 'scan-outgoing' : undefined} data-profile={p.name}
          disabled={props.disabled} onClick={() => (p.batch ? props.onBatch(p.name) : props.onScan(p.name))}>
          <span class="profile-name">{p.name}</span>
          <span class="profile-sub">{S.scan.profileSummary(p)}</span>
        </button>
      ))}
    </div>
  );
}

/**
 * While a run is stopped with the scanner unplugged: whether it is back (GET /api/scanner every
 * 3 s). True when not waiting for anything.
 */
export function useScannerBack(waiting: boolean): boolean {
  const [present, setPresent] = useState(!waiting);
  useEffect(() => {
    if (!waiting) { setPresent(true); return undefined; }
    setPresent(false);
    let live = true;
    const look = () => api.get<ScannerStatus>('/api/scanner').then((s) => { if (live) setPresent(s.present); }, () => undefined);
    void look();
    const timer = setInterval(look, 3000);
    return () => { live = false; clearInterval(timer); };
  }, [waiting]);
  return present;
}
