import type { FastifyInstance } from 'fastify';
import type { DocumentFields } from '../extract/fields.js';
import type { Actor } from '../pipeline/desk.js';
import type { SubmitRequest, SubmitResult } from '../pipeline/submissions.js';
import { actorOf } from './actor.js';
import { invalidRequest } from './http-errors.js';
import { documentFieldsSchema } from './schemas.js';
import { lateEntrySchema, lateReceipt } from './schemas-register.js';
import { checkLateReceipt } from '../register/late-entry.js';

// `sohoa submit`: page images or a PDF handed to the running service (a logged-in person's
// command, Bearer session). The answer comes once the document is registered, signed and queued
// (or failed signing): the register entry's view, its job and the client key.
//   POST /api/submit   {key, files: [{name, data (base64)}], fields?, late?} → SubmitResult
// The same key again returns the same document (never registered twice).

/** What the route needs of the service (pipeline/submissions.ts). */
export interface SubmitPort {
  submit(req: SubmitRequest, actor: Actor): Promise<SubmitResult>;
}

/** Page images of a document at 300 dpi run to ~30 MB each as TIFF; base64 adds a third. */
export const SUBMIT_BODY_LIMIT = 256 * 1024 * 1024;

interface SubmitBody {
  key: string;
  files: { name: string; data: string }[];
  fields?: Partial<DocumentFields>;
  late?: { receivedAt: string; paperRecord: string };
}

export const submitBody = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'files'],
  properties: {
    /** The client's idempotency key: letters, digits and . _ : - (8–128). */
    key: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$' },
    files: {
      type: 'array', minItems: 1, maxItems: 200,
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'data'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 255 },
          data: { type: 'string', minLength: 8 }, // base64, checked in the handler
        },
      },
    },
    /** Any of the register's fields, each as the register route takes it; none required. */
    fields: { type: 'object', additionalProperties: false, properties: documentFieldsSchema.properties },
    /** A late entry after an outage (schemas-register.ts): the real receipt time and the paper record. */
    late: lateEntrySchema,
  },
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function submitRoutes(app: FastifyInstance, submit: SubmitPort): void {
  app.post<{ Body: SubmitBody }>('/api/submit', { bodyLimit: SUBMIT_BODY_LIMIT, schema: { body: submitBody } }, async (req) => {
    const actor = actorOf(req);
    const files = req.body.files.map((f, i) => {
      // (checked here, not by a pattern: a regular expression over 100 MB of text is slow)
      if (f.data.length % 4 !== 0 || !BASE64.test(f.data)) {
        throw invalidRequest(`Tệp "${f.name}" không được mã hoá base64 đúng cách.`, `body/files/${i}/data is not base64`);
      }
      return { name: f.name, data: Buffer.from(f.data, 'base64') };
    });
    const late = lateReceipt(req.body.late);
    // refused before any page is read (the register checks it again when it takes the number)
    if (late) checkLateReceipt(late, new Date());
    return submit.submit({ key: req.body.key, files, ...(req.body.fields ? { fields: req.body.fields } : {}), ...(late ? { late } : {}) }, actor);
  });
}
