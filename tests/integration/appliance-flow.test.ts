import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView } from '../../appliance/pipeline/desk.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, fieldsOf, scanToReview, testConfig } from '../helpers/appliance.js';

// The whole desk on real parts: the eSCL simulator through SANE airscan, tesseract, SoftHSM, the
// reference receiver over loopback — driven through the HTTP API as the touchscreen does.

let token: DevToken;
let config: Config;
let app: RunningAppliance;

const api = apiAs('Nguyễn Thị Lan', () => app.url, () => config.dataDir);

const docState = (docId: string, state: string) => eventually(async () => {
  const d = (await api<DocumentView>('GET', `/api/documents/${docId}`)).body;
  return d.state === state ? d : undefined;
}, `document ${docId} to be ${state}`);

beforeAll(async () => {
  token = await provisionDevToken();
  config = await testConfig(token);
  app = await startAppliance(config, { log: silentLogger() });
});

afterAll(async () => {
  await app?.stop();
});

describe('the desk end to end', () => {
  it('refuses a wrong PIN with a clear message, keeps the document waiting, and never retries on its own', async () => {
    const wrong = await api<{ error: { code: string; message: string } }>('POST', '/api/token/unlock', { pin: '000000' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.body.error.code).toBe('token.pin-incorrect');
    expect(wrong.body.error.message).toMatch(/PIN/);

    const job = await scanToReview(api);
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(reg.status).toBe(200);
    expect(reg.body.arrivalNumber).toBe(1);
    // Not logged in: signing waits, with the reason, and stays waiting.
    const waiting = await eventually(async () => {
      const d = (await api<DocumentView>('GET', `/api/documents/${reg.body.docId}`)).body;
      return d.state === 'registered' && d.message?.startsWith('Chờ ký số') ? d : undefined;
    }, 'the document to wait for the token');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api<DocumentView>('GET', `/api/documents/${waiting.docId}`)).body.state).toBe('registered');
    expect((await api<{ token: { loggedIn: boolean } }>('GET', '/api/status')).body.token.loggedIn).toBe(false);

    // A person unlocks: the waiting document is signed and delivered.
    const ok = await api<{ loggedIn: boolean }>('POST', '/api/token/unlock', { pin: token.pin });
    expect(ok.body.loggedIn).toBe(true);
    const delivered = await docState(reg.body.docId, 'delivered');
    expect(delivered.delivery?.statusCode).toBe('01');
  });

  it('delivers a signed, searchable PDF that pdfsig reports valid and trusted', async () => {
    const job = await scanToReview(api);
    expect(job.result?.numberNotation).toBeTruthy();
    // a one-page document: its fields come from the header and signature bands, and it is
    // registered the moment they show, while its body may still be being read
    expect(job.pages).toHaveLength(1);
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(reg.body.arrivalNumber).toBe(2);
    await docState(reg.body.docId, 'delivered');

    const pdfRes = await api.raw(`/api/documents/${reg.body.docId}/pdf`);
    expect(pdfRes.status).toBe(200);
    // The receiver's copy: the attachment it decoded from the edXML package.
    const docsDir = join(config.dataDir, 'central', 'documents');
    const received = readdirSync(docsDir).flatMap((d) => readdirSync(join(docsDir, d, 'attachments')).map((f) => join(docsDir, d, 'attachments', f)));
    const mine = received.find((f) => f.includes(job.result!.numberNotation!.replace(/[^A-Za-z0-9]/g, '').slice(0, 10)));
    expect(mine, `received ${received.join(', ')}`).toBeDefined();
    expect(Buffer.compare(await readFile(mine!), Buffer.from(await pdfRes.arrayBuffer()))).toBe(0);
    const sig = execFileSync('pdfsig', ['-nssdir', token.nssDir, mine!], { encoding: 'utf8' });
    expect(sig).toMatch(/Signature is Valid/);
    expect(sig).toMatch(/Certificate is Trusted/);
    expect(sig).toMatch(/ETSI\.CAdES\.detached/);
    const text = execFileSync('pdftotext', [mine!, '-'], { encoding: 'utf8' });
    expect(text).toContain('Số:');
    // the text layer is the whole page's, body included (the middle of the page, between the
    // header band and the signature block), not only what the fields were read from
    const bbox = execFileSync('pdftotext', ['-bbox', mine!, '-'], { encoding: 'utf8' });
    const pageH = Number(/<page width="[\d.]+" height="([\d.]+)"/.exec(bbox)![1]);
    const middle = [...bbox.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)"/g)].filter((m) => Number(m[1]) / pageH > 0.45 && Number(m[1]) / pageH < 0.6);
    expect(middle.length).toBeGreaterThan(20);
    // Filed documents leave no scan spool behind.
    expect(existsSync(join(config.dataDir, 'spool', job.jobId))).toBe(false);
  });

  it('holds a secret document: never queued, pages deleted once the clerk confirms', async () => {
    const job = await scanToReview(api);
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, { ...fieldsOf(job), confidentiality: 'Mật' });
    expect(reg.body.state).toBe('held-secret');
    expect(reg.body.message).toMatch(/không được gửi/);
    expect(reg.body.delivery).toBeNull();
    expect(existsSync(join(config.dataDir, 'spool', job.jobId))).toBe(true);
    const confirmed = await api<DocumentView>('POST', `/api/documents/${reg.body.docId}/confirm-secret`, {});
    expect(confirmed.body.state).toBe('discarded');
    expect(existsSync(join(config.dataDir, 'spool', job.jobId))).toBe(false);
    expect(existsSync(join(config.dataDir, 'outbox', 'items', reg.body.docId))).toBe(false);
  });

  it('keeps số đến sequential and unique across a restart of the service; a re-scanned document is flagged', async () => {
    const first = (await api<DocumentView[]>('GET', '/api/documents')).body.find((d) => d.arrivalNumber === 1)!;
    await app.stop();
    app = await startAppliance(config, { log: silentLogger() });
    await api('POST', '/api/token/unlock', { pin: token.pin });
    const job = await scanToReview(api);
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(reg.body.arrivalNumber).toBe(3);
    const all = (await api<DocumentView[]>('GET', '/api/documents')).body.map((d) => d.arrivalNumber).filter((n) => n !== null);
    expect([...all].sort()).toEqual([1, 2, 3]);
    // The demo feeder starts its stack again after the restart: the same paper as số đến 1.
    expect(reg.body.fields.numberNotation).toBe(first.fields.numberNotation);
    expect(reg.body.duplicateOf).toBe(first.docId);
    // The central system already holds that document (same DocumentId, other bytes): it refuses
    // it (a final 4xx: "rejected", like a 02), and the clerk sees why instead of an endless retry.
    const refused = await docState(reg.body.docId, 'rejected');
    expect(refused.message).toMatch(/HTTP 409/);
  });
});
