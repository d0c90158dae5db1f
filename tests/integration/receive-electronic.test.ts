import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { buildNewDocumentPackage } from '../../appliance/edxml/index.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import type { MediaFile } from '../../appliance/receive/media.js';
import { writeMountTable } from '../helpers/mount-table.js';
import { apiAs, auditLog, ensureUser, eventually, fieldsOf, login, testConfig } from '../helpers/appliance.js';
import { BORN_DIGITAL, bornDigitalPdf, signWithDevToken } from '../helpers/born-digital.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// Received electronic documents through the real stages: a born-digital công văn signed on the
// SoftHSM token, verified with the `sohoa verify` check against the provisioned CA, its fields
// read from its own text layer, registered, signed again by the agency and delivered to the
// reference receiver on loopback; a tampered copy and an unsigned file refused with the reason.

const CLERK = 'Trần Thị Hoa';
let dev: DevToken;
let config: Config;
let app: RunningAppliance;
let work: string;
let media: string;
let signed: Buffer;
const api = apiAs(CLERK, () => app.url, () => config.dataDir);

/** POST /api/receive with a raw body, as the technician's upload of an e-mail attachment. */
async function upload(data: Buffer, type: string, fileName: string): Promise<{ status: number; body: JobView & { error?: { code: string; message: string } } }> {
  await ensureUser(config.dataDir, CLERK);
  const token = await login(app.url, CLERK);
  const res = await fetch(new URL('/api/receive', app.url), {
    method: 'POST', body: data, headers: { authorization: `Bearer ${token}`, 'content-type': type, 'x-file-name': encodeURIComponent(fileName) },
  });
  return { status: res.status, body: await res.json() as JobView & { error?: { code: string; message: string } } };
}

const inReview = (jobId: string) => eventually(async () => {
  const j = (await api<JobView>('GET', `/api/jobs/${jobId}`)).body;
  if (j.state === 'failed') throw new Error(`job failed: ${JSON.stringify(j.error)}`);
  return j.state === 'review' ? j : undefined;
}, `job ${jobId} in review`);

beforeAll(async () => {
  dev = await provisionDevToken();
  work = await mkdtemp(join(tmpdir(), 'sohoa-receive-'));
  media = join(work, 'media');
  await mkdir(join(media, 'USB-VANTHU', 'thu-den'), { recursive: true });
  await writeFile(join(work, 'in.pdf'), await bornDigitalPdf());
  await signWithDevToken(dev, work, join(work, 'in.pdf'), join(work, 'signed.pdf'));
  signed = await readFile(join(work, 'signed.pdf'));
  await writeFile(join(media, 'USB-VANTHU', 'thu-den', 'CV1234-STC.pdf'), signed);
  const base = await testConfig(dev, join(work, 'data'));
  // a folder left behind by a drive pulled out (not in the mount table): never offered nor opened
  await mkdir(join(media, 'USB-CU'), { recursive: true });
  await writeFile(join(media, 'USB-CU', 'CU.pdf'), signed);
  // the clerk's drive, mounted read-only: read-only drives are read from too
  const mountTable = await writeMountTable(join(work, 'mounts'), [{ path: join(media, 'USB-VANTHU'), readOnly: true }]);
  config = { ...base, receive: { ...base.receive, mediaRoots: [media] } };
  app = await startAppliance(config, { log: silentLogger(), mountTable });
  expect((await api<{ loggedIn: boolean }>('POST', '/api/token/unlock', { pin: dev.pin })).body.loggedIn).toBe(true);
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('received electronic documents', () => {
  it('a signed PDF on a USB drive: listed, verified (by whom, when), fields from its text layer, registered and delivered', async () => {
    const listed = await api<MediaFile[]>('GET', '/api/receive/media');
    const file = listed.body.find((f) => f.name === 'CV1234-STC.pdf');
    expect(file, JSON.stringify(listed.body)).toMatchObject({ drive: 'USB-VANTHU' });
    expect(listed.body.map((f) => f.name)).toEqual(['CV1234-STC.pdf']);
    expect((await api('POST', '/api/receive/media', { path: join(media, 'USB-CU', 'CU.pdf') })).status).toBe(400);

    const opened = await api<JobView>('POST', '/api/receive/media', { path: file!.path });
    expect(opened.status).toBe(200);
    const job = await inReview(opened.body.jobId);
    expect(job.origin).toBe('electronic');
    expect(job.received?.fileName).toBe('CV1234-STC.pdf');
    expect(job.received?.signatures).toHaveLength(1);
    expect(job.received!.signatures[0]).toMatchObject({ valid: true, reason: null });
    expect(job.received!.signatures[0]!.signer).toBeTruthy();
    expect(Date.parse(job.received!.signatures[0]!.signedAt!)).toBeGreaterThan(Date.now() - 3600_000);
    // the fields come from the PDF's own text, exactly as written
    expect(job.result?.numberNotation).toBe(BORN_DIGITAL.numberNotation);
    expect(job.result?.date).toBe(BORN_DIGITAL.date);
    expect(job.result?.issuer).toContain(BORN_DIGITAL.issuer);
    expect(job.result?.summary).toMatch(/văn bản đến tại bộ phận văn thư/);

    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(reg.status).toBe(200);
    const delivered = await eventually(async () => {
      const d = (await api<DocumentView>('GET', `/api/documents/${reg.body.docId}`)).body;
      return d.state === 'delivered' ? d : undefined;
    }, 'the received document to be delivered', 120_000);
    expect(delivered.delivery?.statusCode).toBe('01');

    // the agency's own signature on the filed copy is valid for poppler's pdfsig too
    const pdf = await api.raw(`/api/documents/${reg.body.docId}/pdf`);
    const filed = join(work, 'filed.pdf');
    await writeFile(filed, Buffer.from(await pdf.arrayBuffer()));
    const sig = await promisify(execFile)('pdfsig', [filed], { timeout: 60_000 }).catch((e: { stdout: string }) => e);
    expect(sig.stdout).toContain('Signature is Valid');

    const audit = await auditLog(config.dataDir);
    const registered = audit.find((r) => r.action === 'registered' && r.docId === reg.body.docId);
    expect(registered?.detail).toMatchObject({ origin: 'electronic', receivedFile: 'CV1234-STC.pdf' });
    expect(audit.some((r) => r.action === 'received' && r.actor === CLERK)).toBe(true);
  }, 240_000);

  it('a PDF changed after signing is refused with the reason, and no job is made', async () => {
    const tampered = Buffer.from(signed);
    // one byte of the page's content stream, inside the signed range
    const at = tampered.indexOf('stream\n');
    expect(at).toBeGreaterThan(0);
    tampered[at + 20] = tampered[at + 20]! ^ 0x01;
    const jobsBefore = (await api<JobView[]>('GET', '/api/jobs')).body.length;
    const r = await upload(tampered, 'application/pdf', 'cong-van-sua.pdf');
    expect(r.status).toBe(422);
    expect(r.body.error?.code).toBe('receive.refused');
    expect(r.body.error?.message).toMatch(/bị sửa sau khi ký/);
    expect((await api<JobView[]>('GET', '/api/jobs')).body.length).toBe(jobsBefore);
    const audit = await auditLog(config.dataDir);
    expect(audit.find((r) => r.action === 'receive-refused')?.detail).toMatchObject({ fileName: 'cong-van-sua.pdf' });
  });

  it('an unsigned PDF is refused: không có chữ ký', async () => {
    const r = await upload(Buffer.from(await bornDigitalPdf()), 'application/pdf', 'khong-ky.pdf');
    expect(r.status).toBe(422);
    expect(r.body.error?.message).toMatch(/không có chữ ký số/);
  });

  it('an edXML package from an e-mail attachment is opened: its signed PDF verified and read', async () => {
    const pkg = buildNewDocumentPackage({
      from: { id: '000.00.12.H29', name: 'Sở Tài chính tỉnh Lào Cai' }, to: [{ id: '000.00.00.H29', name: 'Văn phòng UBND tỉnh Lào Cai' }],
      fields: { ...emptyFields(), ...BORN_DIGITAL, number: '1234', place: 'Lào Cai', summary: 'Triển khai số hoá văn bản đến', pages: 1, issuerId: null },
      arrival: { date: '2024-03-16T08:00:00+07:00' },
      attachment: { fileName: '1234STCVP20240315.pdf', pdf: signed },
    });
    const r = await upload(Buffer.from(pkg.xml), 'application/xml', 'goi-tin.edxml');
    expect(r.status).toBe(200);
    const job = await inReview(r.body.jobId);
    expect(job.received).toMatchObject({ fileName: 'goi-tin.edxml' });
    expect(job.received!.signatures[0]!.valid).toBe(true);
    expect(job.result?.numberNotation).toBe(BORN_DIGITAL.numberNotation);
    await api('POST', `/api/jobs/${job.jobId}/discard`);
  }, 120_000);
});
