import type { OutgoingConfirmation } from '../pipeline/desk.js';
import { documentFieldsSchema, outgoingConfirmationSchema } from './schemas.js';

// What "Đăng ký" takes besides the fields (POST /api/jobs/:id/register, POST /api/submit):
//   exclusion: 'complaint'                 đơn thư khiếu nại, tố cáo: held on paper like a secret document
//   late: {receivedAt, paperRecord}        a late entry after an outage: the real receipt time (ISO 8601
//                                          with its offset) and where the paper record is
// The register checks the time itself (not in the future, not before 1 January): late-entry.ts.

export const lateEntrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['receivedAt', 'paperRecord'],
  properties: {
    receivedAt: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$' },
    paperRecord: { type: 'string', minLength: 1, maxLength: 300, pattern: '\\S' },
  },
} as const;

export const exclusionSchema = { enum: ['complaint'] } as const;

/** The register route's body: the fields, and optionally the complaint mark and late-entry data. */
export const registerBody = {
  ...documentFieldsSchema,
  properties: { ...documentFieldsSchema.properties, exclusion: exclusionSchema, late: lateEntrySchema, outgoing: outgoingConfirmationSchema },
} as const;

export interface RegisterRequestExtras {
  exclusion?: 'complaint';
  /** An outgoing scan's recipient choices (desk.ts OutgoingConfirmation). */
  outgoing?: OutgoingConfirmation;
  late?: { receivedAt: string; paperRecord: string };
}

/** The late-entry data as the register takes it. */
export function lateReceipt(late: RegisterRequestExtras['late']): { receivedAt: Date; paperRecord: string } | undefined {
  return late ? { receivedAt: new Date(late.receivedAt), paperRecord: late.paperRecord } : undefined;
}
