import { useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { ErrorInfo, JobView } from '../types.js';
import type { MediaFile } from '../../../appliance/receive/types.js';
import type { ReceivedInfo } from '../../../appliance/register/entry.js';

// "Mở văn bản điện tử": the PDF and edXML files on the USB drives plugged into the desk; touching
// one has its signatures checked and makes it a document to review like a scanned one. A file
// that is not valid is refused by the appliance with the reason (shown as an error).

export function ReceivePanel(props: { disabled: boolean; onOpened: (job: JobView) => void; onError: (e: ErrorInfo | null) => void }) {
  const [files, setFiles] = useState<MediaFile[] | null>(null);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);

  const list = async () => {
    setFiles(null);
    try {
      setFiles(await api.get<MediaFile[]>('/api/receive/media'));
    } catch (err) {
      props.onError(errorInfo(err));
      setFiles([]);
    }
  };
  const toggle = () => {
    if (!shown) void list();
    setShown(!shown);
  };
  const open = async (f: MediaFile) => {
    setBusy(true);
    props.onError(null);
    try {
      const job = await api.post<JobView>('/api/receive/media', { path: f.path });
      setShown(false);
      props.onOpened(job);
    } catch (err) {
      props.onError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="receive">
      <button class="btn btn-receive" data-testid="receive-open" disabled={props.disabled || busy} onClick={toggle}>{shown ? S.receive.close : S.receive.open}</button>
      {shown && (
        <div class="receive-list" data-testid="receive-list">
          <p class="pending-title">{S.receive.title}</p>
          {busy && <p class="hint" role="status">{S.receive.opening}</p>}
          {files === null ? <p class="hint">{S.receive.loading}</p> : files.length === 0 ? <p class="hint">{S.receive.empty}</p> : files.map((f) => (
            <button type="button" class="btn pending-item" key={f.path} data-file={f.name} disabled={busy} onClick={() => void open(f)}>
              <strong>{f.name}</strong>
              <span class="pending-sub">{f.drive} · {S.receive.size(f.bytes)}</span>
            </button>
          ))}
          <button type="button" class="btn btn-ghost" disabled={busy} onClick={() => void list()}>{S.receive.refresh}</button>
        </div>
      )}
    </div>
  );
}

/** What the signatures of a received document said, on its review. */
export function ReceivedBanner({ received }: { received: ReceivedInfo }) {
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : null);
  const ok = received.signatures.length > 0 && received.signatures.every((s) => s.valid);
  return (
    <div class={`banner ${ok ? 'banner-ok' : 'banner-warn'}`} data-testid="received" role="status">
      <strong>{S.receive.from(received.fileName)}</strong>
      {received.signatures.map((s, i) => (
        <p key={i} class="received-sig">
          {s.valid ? S.receive.valid : S.receive.invalid}: {S.receive.signedBy(s.signer, when(s.signedAt))}{s.reason ? ` — ${s.reason}` : ''}
        </p>
      ))}
    </div>
  );
}
