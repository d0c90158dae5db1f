import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { CentralStore } from '../../appliance/central/store.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { parsePackage } from '../../appliance/edxml/parse-document.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import type { ResolvedRecipient } from '../../appliance/register/entry.js';
import type { OutgoingBookEntry } from '../../appliance/register/outgoing-book.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, fieldsOf, scannerControl, testConfig } from '../helpers/appliance.js';

const run = promisify(execFile);

// Issue 13 item 1, an outgoing mixed document on real parts: the eSCL simulator through SANE
// airscan with a demo page (Quyết định 69/2022/QĐ-UBND of Kon Tum), tesseract, the SoftHSM token,
// the reference receiver on loopback — over HTTP as the touchscreen talks. The clerk scans with
// the "Văn bản đi" profile, the recipients under Nơi nhận resolve against the provisioned agency
// list; the package arrives addressed to each resolved recipient, the "Lưu" copy is not sent, the
// unresolved ones are kept and shown, the incoming numbering is untouched and a second
// registration of the same printed number is refused.

const CLERK = 'Hoàng Thị Mai';
const PAGES = projectPath('provisioning', 'demo-pages');
const UBND = { id: '000.00.00.H34', name: 'Ủy ban nhân dân tỉnh Kon Tum' };
const NOI_VU = { id: '000.00.05.H34', name: 'Sở Nội vụ tỉnh Kon Tum' };
// As printed under Nơi nhận of the demo page (provisioning/demo-pages/doc-021/truth.json)
const PRINTED = ['Như Điều 3;', 'Các sở, ban, ngành tỉnh;', 'UBND các huyện, thành phố;', 'TT Tỉnh ủy, TT HĐND tỉnh;', 'Chủ tịch, các PCT UBND tỉnh;', 'Lưu: VT, KGVX.'];

let token: DevToken;
let config: Config;
let app: RunningAppliance;
const api = apiAs(CLERK, () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);

async function scanToReview(doc: string, profile?: string): Promise<JobView> {
  await scanner('feeder', { dir: join(PAGES, doc) });
  const started = await api<JobView>('POST', '/api/scan', profile ? { profile } : {});
  expect(started.status).toBe(200);
  return eventually(async () => {
    const j = (await api<JobView>('GET', `/api/jobs/${started.body.jobId}`)).body;
    if (j.state === 'failed') throw new Error(`scan failed: ${JSON.stringify(j.error)}`);
    return j.state === 'review' ? j : undefined;
  }, 'the scan to reach review', 120_000);
}

beforeAll(async () => {
  token = await provisionDevToken();
  config = await testConfig(token);
  // the technician's agency list: identifiers, and how each agency is printed under Nơi nhận
  const agencies = join(config.dataDir, 'agencies.json');
  await writeFile(agencies, JSON.stringify([{ ...UBND, aliases: ['Chủ tịch, các PCT UBND tỉnh'] }, NOI_VU, { name: 'Sở Tư pháp' }]));
  config = { ...config, extract: { ...config.extract, agenciesPath: agencies } };
  app = await startAppliance(config, { log: silentLogger() });
  expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

describe('an outgoing mixed document (Văn bản đi)', () => {
  it('arrives at the receiver addressed to each resolved recipient; Lưu not sent; unresolved kept; số đến untouched; a duplicate refused', async () => {
    // an incoming document first: số đến 1
    const first = await scanToReview('doc-004');
    expect(first.book).toBeUndefined();
    const in1 = await api<DocumentView>('POST', `/api/jobs/${first.jobId}/register`, fieldsOf(first));
    expect(in1.body.arrivalNumber).toBe(1);

    const { profiles } = (await api<{ profiles: { name: string; book: string }[] }>('GET', '/api/profiles')).body;
    expect(profiles.find((p) => p.book === 'outgoing')?.name).toBe('Văn bản đi');
    const job = await scanToReview('doc-021', 'Văn bản đi');
    expect(job).toMatchObject({ profile: 'Văn bản đi', book: 'outgoing' });
    // the same extraction ran: the printed number is read from the page
    expect(job.result!.numberNotation).toBe('69/2022/QĐ-UBND');

    // the review asks how Nơi nhận resolves: one line by an alias, the archive line a copy, the rest unresolved
    const fields = { ...fieldsOf(job), recipients: PRINTED };
    const resolved = (await api<{ recipients: ResolvedRecipient[] }>('POST', '/api/recipients/resolve', { recipients: PRINTED })).body.recipients;
    expect(resolved.map((r) => [r.organId, r.copyOnly])).toEqual([[null, false], [null, false], [null, false], [null, false], [UBND.id, false], [null, true]]);
    expect((await api<{ agencies: { id: string }[] }>('GET', '/api/agencies')).body.agencies.map((a) => a.id).sort()).toEqual([UBND.id, NOI_VU.id]);

    // unresolved lines not confirmed: refused, nothing registered, the job still in review
    const refused = await api<{ error: { code: string; message: string } }>('POST', `/api/jobs/${job.jobId}/register`, { ...fields, outgoing: { recipients: resolved } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('Còn 4 nơi nhận chưa xác định được cơ quan');
    expect((await api<JobView>('GET', `/api/jobs/${job.jobId}`)).body.state).toBe('review');

    // the clerk picks Sở Nội vụ for "Như Điều 3" and knowingly leaves the other three on paper
    const picked = resolved.map((r, i) => ({ text: r.text, organId: i === 0 ? NOI_VU.id : r.organId }));
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, { ...fields, outgoing: { recipients: picked, unresolvedConfirmed: true } });
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ arrivalNumber: null, book: 'outgoing', outgoing: { number: '69/2022/QĐ-UBND' } });
    const kept = reg.body.outgoing!.recipients;
    expect(kept.map((r) => r.text)).toEqual(PRINTED); // nothing dropped
    expect(kept.filter((r) => !r.organId && !r.copyOnly).map((r) => r.text)).toEqual(PRINTED.slice(1, 4));

    // signed with the token and delivered through the one outbox
    const delivered = await eventually(async () => {
      const d = (await api<DocumentView>('GET', `/api/documents/${reg.body.docId}`)).body;
      return d.state === 'delivered' ? d : undefined;
    }, 'the outgoing document to be delivered', 120_000);
    expect(delivered.signature?.level).toBeDefined();

    // what the receiver holds: one package, To and ToPlaces one per resolved recipient, no Lưu, no unresolved line
    const central = new CentralStore(join(config.dataDir, 'central'));
    const held = (await central.list()).filter((m) => m.documentId.endsWith(',69/2022/QĐ-UBND'));
    expect(held).toHaveLength(1);
    expect(held[0]!.documentId.startsWith(`${config.agency.id},`)).toBe(true);
    expect(held[0]!.to).toEqual([NOI_VU, UBND]);
    expect(held[0]!.toPlaces).toEqual([NOI_VU.name, UBND.name]);
    const dirs = join(config.dataDir, 'central', 'documents');
    const { createHash } = await import('node:crypto');
    const pkg = parsePackage(await readFile(join(dirs, createHash('sha256').update(held[0]!.documentId).digest('hex'), 'package.edxml'), 'utf8'));
    expect(pkg.ok).toBe(true);
    expect(pkg.value!.from.id).toBe(config.agency.id);
    expect(pkg.value!.to).toEqual([NOI_VU, UBND]);
    expect(pkg.value!.toPlaces.join('|')).not.toMatch(/Lưu|Như Điều|huyện/);

    // the outgoing book lists it with the App. IV columns; the incoming book does not
    const book = (await api<{ total: number; entries: OutgoingBookEntry[] }>('GET', '/api/register?book=outgoing')).body;
    expect(book.total).toBe(1);
    expect(book.entries[0]).toMatchObject({ numberNotation: '69/2022/QĐ-UBND', keptBy: 'VT, KGVX', copies: 6 });
    const csv = await (await api.raw('/api/register.csv?book=outgoing')).text();
    expect(csv).toContain('"Sở Nội vụ tỉnh Kon Tum (000.00.05.H34); Các sở, ban, ngành tỉnh (chưa gửi điện tử);');
    expect((await api<{ entries: { arrivalNumber: number }[] }>('GET', '/api/register')).body.entries.map((e) => e.arrivalNumber)).toEqual([1]);
    // ... and the same book as Excel (sheet "Sổ đi") and as the printed book, with its own columns
    const xlsxFile = join(config.dataDir, 'so-di.xlsx');
    await writeFile(xlsxFile, Buffer.from(await (await api.raw('/api/register.xlsx?book=outgoing')).arrayBuffer()));
    const unzip = async (part: string) => (await run('unzip', ['-p', xlsxFile, part], { timeout: 30_000 })).stdout;
    expect(await unzip('xl/workbook.xml')).toContain('name="Sổ đi"');
    const sheetText = (await unzip('xl/worksheets/sheet1.xml')) + (await unzip('xl/sharedStrings.xml').catch(() => ''));
    expect(sheetText).toContain('69/2022/QĐ-UBND');
    expect(sheetText).toContain('Đơn vị, người nhận bản lưu');
    expect(sheetText).not.toContain('Số đến');
    const pdfFile = join(config.dataDir, 'so-di.pdf');
    await writeFile(pdfFile, Buffer.from(await (await api.raw('/api/register.pdf?book=outgoing')).arrayBuffer()));
    const printed = (await run('pdftotext', ['-layout', pdfFile, '-'], { timeout: 20_000 })).stdout;
    expect(printed).toContain('SỔ ĐĂNG KÝ VĂN BẢN ĐI');
    expect(printed).toContain('69/2022/QĐ-UBND');
    expect(printed).toContain('VT, KGVX');

    // the same printed number scanned again: refused with the reason, no number of either book taken
    const again = await scanToReview('doc-021', 'Văn bản đi');
    const dup = await api<{ error: { code: string; message: string } }>('POST', `/api/jobs/${again.jobId}/register`,
      { ...fieldsOf(again), recipients: PRINTED, outgoing: { recipients: picked, unresolvedConfirmed: true } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'register.duplicate', message: expect.stringContaining('"69/2022/QĐ-UBND" đã có trong sổ văn bản đi năm 2022') });
    expect((await api<JobView>('GET', `/api/jobs/${again.jobId}`)).body.state).toBe('review');
    await api('POST', `/api/jobs/${again.jobId}/discard`, {});

    // the incoming numbering goes on gapless: the next incoming document is số đến 2
    const next = await scanToReview('doc-031');
    expect((await api<DocumentView>('POST', `/api/jobs/${next.jobId}/register`, fieldsOf(next))).body.arrivalNumber).toBe(2);
  }, 600_000);
});
