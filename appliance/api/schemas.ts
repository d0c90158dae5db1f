// JSON schemas of every request the API accepts; fastify rejects anything else with 400 before a
// handler runs.

const text = { type: ['string', 'null'], maxLength: 2000 } as const;

/** The clerk-confirmed DocumentFields (appliance/extract/fields.ts). */
export const documentFieldsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'numberNotation', 'date', 'type', 'summary', 'recipients', 'confidentiality', 'urgency', 'pages'],
  properties: {
    issuerParent: text,
    issuer: text,
    numberNotation: { type: ['string', 'null'], maxLength: 200 },
    number: { type: ['string', 'null'], maxLength: 50 },
    place: text,
    date: { anyOf: [{ type: 'null' }, { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }] },
    type: { type: 'string', minLength: 1, maxLength: 200 },
    summary: text,
    authority: text,
    signerTitle: text,
    signer: text,
    recipients: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 2000 } },
    confidentiality: { enum: [null, 'Mật', 'Tối mật', 'Tuyệt mật'] },
    urgency: { enum: [null, 'Khẩn', 'Thượng khẩn', 'Hỏa tốc'] },
    pages: { type: 'integer', minimum: 0, maximum: 10000 },
  },
} as const;

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^/]+$' } },
} as const;

/** A page number in a URL is a string (no type coercion): 1–9999, no leading zero. */
export const pageParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'n'],
  properties: { ...idParams.properties, n: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' } },
} as const;

/** Commands that take no input: nothing, `null` or `{}` (what the touchscreen sends); anything else is refused. */
export const emptyBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {},
} as const;

export const scanBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    profile: { type: 'string', minLength: 1, maxLength: 40 },
    source: { enum: ['adf', 'adf-duplex', 'flatbed'] },
    mode: { enum: ['color', 'gray'] },
    dpi: { type: 'integer', minimum: 75, maximum: 1200 },
  },
} as const;

// --- flowsout ---
/** Đăng ký of an outgoing scan: the clerk's recipient choices (desk.ts OutgoingConfirmation; schemas-register.ts). */
export const outgoingConfirmationSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    recipients: {
      type: 'array', maxItems: 200,
      items: {
        type: 'object', additionalProperties: false, required: ['text', 'organId'],
        // (name and copyOnly as /api/recipients/resolve gave them: the server derives both again)
        properties: {
          text: { type: 'string', maxLength: 2000 }, organId: { type: ['string', 'null'], maxLength: 35 },
          name: { type: ['string', 'null'], maxLength: 2000 }, copyOnly: { type: 'boolean' },
        },
      },
    },
    unresolvedConfirmed: { type: 'boolean' },
  },
} as const;

/** Lines of "Nơi nhận" to resolve against the agency list. */
export const resolveBody = {
  type: 'object',
  additionalProperties: false,
  required: ['recipients'],
  properties: { recipients: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 2000 } } },
} as const;

export const pinBody = {
  type: 'object',
  additionalProperties: false,
  required: ['pin'],
  properties: { pin: { type: 'string', minLength: 4, maxLength: 32 } },
} as const;

/** Login: a name from the picker and the person's 4–8 digit PIN. */
export const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'pin'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    pin: { type: 'string', pattern: '^[0-9]{4,8}$' },
  },
} as const;

/** A person the technician adds: the same rules as `sohoa users add` (the store checks the name). */
export const accountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role', 'pin'],
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 100 },
    role: { enum: ['clerk', 'technician'] },
    pin: { type: 'string', pattern: '^[0-9]{4,8}$' },
  },
} as const;

export const nameParams = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

export const pinResetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['pin'],
  properties: { pin: { type: 'string', pattern: '^[0-9]{4,8}$' } },
} as const;

/** The clerk's arrangement of a job's pages (pipeline/page-edits.ts): every page once, in document order. */
export const pageEditsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['pages'],
  properties: {
    pages: {
      type: 'array', minItems: 1, maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['page', 'rotation', 'removed', 'blank'],
        properties: {
          page: { type: 'integer', minimum: 1, maximum: 9999 },
          rotation: { enum: [0, 90, 180, 270] },
          removed: { type: 'boolean' },
          blank: { type: 'boolean' },
        },
      },
    },
  },
} as const;

/** A region of a page in fractions of the page as scanned (its preview), to be read by OCR. */
export const regionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['x', 'y', 'w', 'h'],
  properties: {
    x: { type: 'number', minimum: 0, maximum: 1 },
    y: { type: 'number', minimum: 0, maximum: 1 },
    w: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    h: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
  },
} as const;
