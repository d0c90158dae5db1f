import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Desk, OutgoingConfirmation, ScanOptions } from '../pipeline/desk.js';
import type { DocumentFields } from '../extract/fields.js';
import { actorOf } from './actor.js';
import { notFound } from './http-errors.js';
import type { PageEdit } from '../pipeline/page-edits.js';
import type { Region } from '../pipeline/page-geometry.js';
import { lateReceipt, registerBody, type RegisterRequestExtras } from './schemas-register.js';
import { emptyBody, idParams, pageEditsBody, pageParams, regionBody, scanBody } from './schemas.js';

// Scan jobs: start a scan (or a batch: a whole stack split into document jobs), watch it, preview
// its pages, scan more into it after a jam ("Quét tiếp"), merge a wrongly split document with the
// previous one, then discard it or register it. Under review, the clerk arranges its pages (turn,
// take out, reorder, blank; undoable), reads a marked region of a page into a field, and sees
// where each field was read.

type IdReq = { Params: { id: string } };

export function jobRoutes(app: FastifyInstance, desk: Desk): void {
  const jobOr404 = (id: string) => {
    const job = desk.getJob(id);
    if (!job) throw notFound('Không tìm thấy lượt quét này. Có thể nó đã bị xoá.', `job ${id} not found`);
    return job;
  };

  // The capture profiles: the scan screen's big buttons, in order (the first is the default).
  app.get('/api/profiles', async () => ({ profiles: desk.profiles() }));

  app.post<{ Body: ScanOptions | null }>('/api/scan', { schema: { body: scanBody } }, async (req) => {
    return desk.startScan(req.body ?? {}, actorOf(req));
  });

  // "Quét cả tập": the whole stack, split into documents that appear as jobs to review.
  app.post<{ Body: ScanOptions | null }>('/api/batch', { schema: { body: scanBody } }, async (req) => {
    return desk.startBatch(req.body ?? {}, actorOf(req));
  });

  // "Gộp với văn bản trước": a wrongly split document back onto the previous one of its batch.
  app.post<IdReq>('/api/jobs/:id/merge', { schema: { params: idParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    jobOr404(req.params.id);
    return desk.mergeJob(req.params.id, actor);
  });

  // "Tài liệu tiếp theo": while a batch scans, the document under way ends at the page scanned last.
  app.post<IdReq>('/api/jobs/:id/next-document', { schema: { params: idParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    jobOr404(req.params.id);
    return desk.nextDocument(req.params.id, actor);
  });

  app.post<IdReq & { Body: ScanOptions | null }>('/api/jobs/:id/continue', { schema: { params: idParams, body: scanBody } }, async (req) => {
    const actor = actorOf(req);
    jobOr404(req.params.id);
    return desk.continueScan(req.params.id, req.body ?? {}, actor);
  });

  app.get('/api/jobs', async () => desk.listJobs());

  app.get<IdReq>('/api/jobs/:id', { schema: { params: idParams } }, async (req) => jobOr404(req.params.id));

  app.get<{ Params: { id: string; n: string } }>(
    '/api/jobs/:id/pages/:n(^\\d+).jpg',
    { schema: { params: pageParams } },
    async (req, reply) => {
      const file = desk.pagePreview(req.params.id, Number(req.params.n));
      if (!file) throw notFound('Không tìm thấy ảnh trang này.', `no preview for job ${req.params.id} page ${req.params.n}`);
      // Previews belong to a job that may be discarded; never let the browser keep them.
      let jpeg: Buffer;
      try {
        jpeg = await readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        throw notFound('Không tìm thấy ảnh trang này.', `preview ${file} is gone`);
      }
      // Previews belong to a job that may be discarded; never let the browser keep them.
      return reply.header('cache-control', 'no-store').type('image/jpeg').send(jpeg);
    },
  );

  app.get<IdReq>('/api/jobs/:id/edits', { schema: { params: idParams } }, async (req) => {
    jobOr404(req.params.id);
    return desk.pageEdits(req.params.id);
  });

  app.post<IdReq & { Body: { pages: PageEdit[] } }>('/api/jobs/:id/edits', { schema: { params: idParams, body: pageEditsBody } }, async (req) => {
    const actor = actorOf(req);
    jobOr404(req.params.id);
    return desk.editPages(req.params.id, req.body.pages, actor);
  });

  app.post<IdReq>('/api/jobs/:id/edits/undo', { schema: { params: idParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    jobOr404(req.params.id);
    return desk.undoPageEdit(req.params.id, actor);
  });

  // "Chạm hoặc kéo trên trang để đọc vào ô": OCR of the marked region, the text for the focused field.
  app.post<{ Params: { id: string; n: string }; Body: Region }>(
    '/api/jobs/:id/pages/:n/read',
    { schema: { params: pageParams, body: regionBody } },
    async (req) => {
      actorOf(req);
      jobOr404(req.params.id);
      const r = req.body;
      return desk.readRegion(req.params.id, Number(req.params.n), { x: r.x, y: r.y, w: Math.min(r.w, 1 - r.x), h: Math.min(r.h, 1 - r.y) });
    },
  );

  app.get<IdReq>('/api/jobs/:id/fields/where', { schema: { params: idParams } }, async (req) => {
    jobOr404(req.params.id);
    return desk.fieldBoxes(req.params.id);
  });

  app.post<IdReq>('/api/jobs/:id/discard', { schema: { params: idParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    jobOr404(req.params.id);
    await desk.discardJob(req.params.id, actor);
    return { ok: true };
  });

  // The fields, and optionally `exclusion: 'complaint'`, `late: {receivedAt, paperRecord}` and an
  // outgoing scan's recipient choices `outgoing` (schemas-register.ts).
  app.post<IdReq & { Body: DocumentFields & RegisterRequestExtras }>(
    '/api/jobs/:id/register',
    { schema: { params: idParams, body: registerBody } },
    async (req) => {
      const actor = actorOf(req);
      jobOr404(req.params.id);
      const { exclusion, late, outgoing, ...fields } = req.body;
      const receipt = lateReceipt(late);
      return desk.registerJob(req.params.id, normalizeFields(fields), actor, {
        ...(exclusion ? { extras: { exclusion } } : {}), ...(receipt ? { late: receipt } : {}), ...(outgoing ? { outgoing } : {}),
      });
    },
  );
}

/** Text is stored NFC (TCVN 6909); a touch keyboard may produce decomposed forms. */
function normalizeFields(f: DocumentFields): DocumentFields {
  const nfc = (v: string | null | undefined) => (typeof v === 'string' ? v.normalize('NFC').trim() || null : null);
  return {
    issuerParent: nfc(f.issuerParent),
    issuer: nfc(f.issuer),
    numberNotation: nfc(f.numberNotation),
    number: nfc(f.number),
    place: nfc(f.place),
    date: f.date ?? null,
    type: nfc(f.type) ?? 'Công văn',
    summary: nfc(f.summary),
    authority: nfc(f.authority),
    signerTitle: nfc(f.signerTitle),
    signer: nfc(f.signer),
    recipients: f.recipients.map((r) => r.normalize('NFC').trim()).filter((r) => r !== ''),
    confidentiality: f.confidentiality ?? null,
    urgency: f.urgency ?? null,
    pages: f.pages,
  };
}
