import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { S } from '../strings.js';
import type { OutgoingConfirmation, ResolvedRecipient } from '../types.js';

// The review of an outgoing document ("Văn bản đi"): each line of Nơi nhận as the appliance
// resolves it against the provisioned agency list (POST /api/recipients/resolve) — sent to an
// agency, a "Lưu" copy (never sent), or unresolved. For an unresolved line the clerk picks the
// agency from the list (GET /api/agencies) or leaves it on paper; leaving some needs a tick that
// says so. Nothing is dropped: every printed line stays in the register. The picks travel with
// Đăng ký (OutgoingConfirmation); the appliance checks them again.

interface Props {
  lines: string[];
  value: OutgoingConfirmation;
  onChange: (v: OutgoingConfirmation) => void;
  disabled: boolean;
}

export function OutgoingRecipients({ lines, value, onChange, disabled }: Props) {
  const [resolved, setResolved] = useState<ResolvedRecipient[] | null>(null);
  const [agencies, setAgencies] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    api.get<{ agencies: { id: string; name: string }[] }>('/api/agencies').then((r) => setAgencies(r.agencies), () => undefined);
  }, []);
  const key = lines.join('\n');
  useEffect(() => {
    let live = true;
    // (typing in Nơi nhận: resolved again once the clerk pauses)
    const t = setTimeout(() => {
      api.post<{ recipients: ResolvedRecipient[] }>('/api/recipients/resolve', { recipients: lines.filter((l) => l.trim() !== '') })
        .then((r) => live && setResolved(r.recipients), () => live && setResolved([]));
    }, 300);
    return () => { live = false; clearTimeout(t); };
  }, [key]);

  // the clerk's earlier picks follow their line; a new line starts as the appliance resolved it
  useEffect(() => {
    if (!resolved) return;
    const before = new Map((value.recipients ?? []).map((r) => [r.text, r.organId]));
    const next = resolved.map((r) => ({ text: r.text, organId: r.copyOnly ? null : before.has(r.text) ? before.get(r.text)! : r.organId }));
    if (JSON.stringify(next) !== JSON.stringify(value.recipients)) onChange({ ...value, recipients: next });
  }, [resolved]);

  if (!resolved) return <p class="hint" data-testid="outgoing-recipients">{S.outgoing.resolving}</p>;
  if (resolved.length === 0) return <p class="banner banner-warn" data-testid="outgoing-recipients">{S.outgoing.none}</p>;
  const picks = value.recipients ?? [];
  const unresolved = resolved.filter((r, i) => !r.copyOnly && !picks[i]?.organId).length;
  const pick = (i: number, organId: string | null) =>
    onChange({ ...value, recipients: resolved.map((r, j) => ({ text: r.text, organId: j === i ? organId : picks[j]?.organId ?? null })) });

  return (
    <div class="outgoing-recipients" data-testid="outgoing-recipients">
      <p class="field-label">{S.outgoing.recipientsTitle}</p>
      <ul>
        {resolved.map((r, i) => {
          const chosen = picks[i]?.organId ?? null;
          const agency = agencies.find((a) => a.id === chosen);
          return (
            <li key={`${i}-${r.text}`} class={r.copyOnly ? 'rcpt-copy' : chosen ? 'rcpt-ok' : 'rcpt-open'} data-recipient={r.text}>
              <span class="rcpt-text">{r.text}</span>
              {r.copyOnly ? <em>{S.outgoing.copy}</em> : r.organId && chosen === r.organId ? (
                <strong>{S.outgoing.sendTo(r.name ?? agency?.name ?? '', r.organId)}</strong>
              ) : (
                <label>
                  {!chosen && <strong class="text-warn">⚠ {S.outgoing.unresolved}</strong>}
                  <select aria-label={`${S.outgoing.pick}: ${r.text}`} disabled={disabled} value={chosen ?? ''}
                    onChange={(e) => pick(i, e.currentTarget.value || null)}>
                    <option value="">{S.outgoing.leave}</option>
                    {agencies.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.id})</option>)}
                  </select>
                </label>
              )}
            </li>
          );
        })}
      </ul>
      {unresolved > 0 && (
        <label class="rcpt-confirm banner banner-warn">
          <input type="checkbox" data-testid="outgoing-confirm-unresolved" checked={!!value.unresolvedConfirmed} disabled={disabled}
            onChange={(e) => onChange({ ...value, unresolvedConfirmed: e.currentTarget.checked })} />
          {S.outgoing.confirmUnresolved(unresolved)}
        </label>
      )}
    </div>
  );
}
