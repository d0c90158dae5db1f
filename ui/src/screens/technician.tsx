import { useEffect, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { ErrorInfo } from '../types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { ScannerRefresh } from '../components/scanner-refresh.js';

// Technician mode: the steps of `sohoa provision` as sections of one screen, each with its fields,
// "Kiểm tra" (the live check, nothing written) and "Lưu" (that part of the configuration written).
// The appliance decides who may use it (technician role); this screen is shown to technicians only.

type Step = keyof typeof S.setup.steps;
type Values = Record<string, string>;
interface Result { ok: boolean; shown?: string[]; warnings?: string[]; written?: string[]; problems?: string[] }
interface Current { current: Record<string, Record<string, unknown> | unknown> }

/** The fields of each step: [answer key, label key, input type, current configuration key]. */
const FIELDS: Record<Step, [string, keyof typeof S.setup.fields, string, string][]> = {
  agency: [['name', 'name', 'text', 'agency.name'], ['id', 'id', 'text', 'agency.id'], ['dataDir', 'dataDir', 'text', 'dataDir']],
  central: [['url', 'url', 'url', 'central.url'], ['deviceToken', 'deviceToken', 'password', ''], ['toId', 'toId', 'text', 'central.toId'], ['toName', 'toName', 'text', 'central.toName'], ['tokenFile', 'tokenFile', 'text', 'central.deviceTokenFile']],
  token: [['module', 'module', 'text', 'token.module'], ['label', 'label', 'text', 'token.label'], ['serial', 'serial', 'text', 'token.serial'], ['trustPath', 'trustPath', 'text', 'token.trustPath'], ['chainPath', 'chainPath', 'text', 'token.chainPath']],
  seal: [['path', 'path', 'text', 'agency.sealPath']],
  hours: [['start', 'start', 'text', 'register.officeHours.start'], ['end', 'end', 'text', 'register.officeHours.end'], ['days', 'days', 'text', 'register.officeHours.days']],
  scanner: [['device', 'device', 'text', 'scanner.device'], ['esclUrl', 'esclUrl', 'url', ''], ['name', 'scannerName', 'text', ''], ['saneConfigDir', 'saneConfigDir', 'text', 'scanner.saneConfigDir'], ['source', 'source', 'text', 'scanner.source'], ['dpi', 'dpi', 'number', 'scanner.dpi'], ['mode', 'mode', 'text', 'scanner.mode']],
  accounts: [['name', 'person', 'text', ''], ['pin', 'pin', 'password', ''], ['pinAgain', 'pinAgain', 'password', '']],
};

const at = (obj: unknown, key: string): string => {
  const v = key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
  return Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v);
};

function bodyOf(step: Step, v: Values): unknown {
  if (step === 'accounts') return { accounts: v.name ? [{ name: v.name, pin: v.pin, role: 'clerk' }] : [] };
  if (step === 'hours') return { start: v.start, end: v.end, days: (v.days ?? '').split(',').map((d) => d.trim()).filter(Boolean) };
  if (step === 'scanner') return { ...v, dpi: Number(v.dpi) };
  const { pinAgain: _unused, ...rest } = v;
  return rest;
}

function StepSection({ step, current }: { step: Step; current: unknown }) {
  const [values, setValues] = useState<Values>(() => Object.fromEntries(FIELDS[step].map(([k, , , key]) => [k, key ? at(current, key) : ''])));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const send = async (action: 'validate' | 'apply') => {
    if (step === 'accounts' && values.pin !== values.pinAgain) { setError({ code: 'request.invalid', message: S.setup.pinMismatch }); return; }
    setBusy(true); setError(null); setResult(null);
    try {
      setResult(await api.post<Result>(`/api/provision/${step}/${action}`, bodyOf(step, values)));
      if (step === 'accounts' && action === 'apply') setValues({ name: '', pin: '', pinAgain: '' });
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="setup-step" data-step={step}>
      <h2>{S.setup.steps[step]}</h2>
      {FIELDS[step].map(([k, label, type]) => (
        <label class="field" key={k}>
          <span class="field-label">{S.setup.fields[label]}</span>
          <input type={type} name={k} value={values[k] ?? ''} autocomplete="off" onInput={(e) => setValues({ ...values, [k]: (e.target as HTMLInputElement).value })} />
        </label>
      ))}
      <div class="setup-actions">
        <button class="btn" disabled={busy} onClick={() => send('validate')}>{busy ? S.setup.working : S.setup.check}</button>
        <button class="btn btn-primary" disabled={busy} onClick={() => send('apply')}>{S.setup.save}</button>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {result && (
        <ul class="setup-result" data-testid={`setup-result-${step}`}>
          {result.shown?.map((l) => <li class="text-ok" key={l}>✓ {l}</li>)}
          {result.warnings?.map((l) => <li class="text-warn" key={l}>⚠ {l}</li>)}
          {result.written && <li>{S.setup.saved(result.written.length)}</li>}
          {!!result.problems?.length && <li class="text-warn">{S.setup.stillMissing} {result.problems.join(' ')}</li>}
        </ul>
      )}
    </section>
  );
}

interface SelftestReport { ok: boolean; steps: { name: string; ok: boolean; detail: string }[] }

export function TechnicianScreen() {
  const [info, setInfo] = useState<Current | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [pin, setPin] = useState('');
  const [report, setReport] = useState<SelftestReport | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { api.get<Current>('/api/provision').then(setInfo, (e) => setError(errorInfo(e))); }, []);

  const selftest = async () => {
    setBusy(true); setReport(null);
    try {
      setReport(await api.post<SelftestReport>('/api/provision/selftest', pin ? { pin } : {}));
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setPin(''); setBusy(false);
    }
  };

  return (
    <div class="screen setup-screen">
      <h1>{S.setup.title}</h1>
      <p class="hint">{S.setup.intro}</p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {info && (Object.keys(S.setup.steps) as Step[]).map((s) => <StepSection key={s} step={s} current={info.current} />)}
      <ScannerRefresh onError={setError} />
      <section class="setup-step">
        <h2>{S.setup.selftest}</h2>
        <label class="field"><span class="field-label">{S.setup.selftestPin}</span>
          <input type="password" value={pin} autocomplete="off" onInput={(e) => setPin((e.target as HTMLInputElement).value)} /></label>
        <button class="btn btn-primary btn-wide" disabled={busy} onClick={selftest}>{busy ? S.setup.working : S.setup.selftest}</button>
        {report && (
          <ul class="setup-result" data-testid="setup-selftest">
            <li class={report.ok ? 'text-ok' : 'text-warn'}>{report.ok ? S.setup.selftestOk : S.setup.selftestBad}</li>
            {report.steps.map((s) => <li key={s.name} class={s.ok ? 'text-ok' : 'text-warn'}>{s.ok ? '✓' : '✗'} {s.name}: {s.detail}</li>)}
          </ul>
        )}
      </section>
    </div>
  );
}
