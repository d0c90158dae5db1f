import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { ANNOTATION_KEYWORDS } from './schema-kinds.js';
import { SettingsSchema } from './schema.js';
import { keyPaths, optionalEverywhere, type Node } from './schema-walk.js';
import { suggestKey } from './suggest.js';
import { WEEKDAY_HELP } from './weekdays.js';

// The configuration file (and the environment) checked against the settings schema with ajv —
// the validator fastify already carries —, every error turned into one Vietnamese sentence that
// names the key path, the value found and what is expected.

/** One thing wrong with the configuration. */
export interface Problem {
  /** Key path, e.g. "register.officeHours.days[0]"; '' for the file as a whole. */
  key: string;
  /** Plain Vietnamese, names the key, the value and what is expected. */
  message: string;
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
for (const k of ANNOTATION_KEYWORDS) ajv.addKeyword(k);
addFormats.default(ajv);
const validatePartial = ajv.compile(optionalEverywhere(SettingsSchema as Node));
const ALL_KEYS = keyPaths(SettingsSchema as Node);

/** `/register/officeHours/days/0` → `register.officeHours.days[0]`. */
function keyOf(instancePath: string): string {
  return instancePath.split('/').slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

const TYPE_VI: Record<string, string> = {
  string: 'chuỗi', number: 'số', integer: 'số nguyên', boolean: 'true/false', object: 'nhóm khoá {…}', array: 'danh sách […]', null: 'null',
};

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v);

/** A value as the person wrote it, shortened, with its kind: `"8080" (chuỗi)`. */
export function shown(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  return `${json.length > 60 ? json.slice(0, 57) + '…' : json} (${TYPE_VI[typeOf(v)] ?? typeOf(v)})`;
}

function expected(schema: Node | undefined, fallback: string): string {
  if (schema?.['x-expect']) return schema['x-expect'];
  if (schema?.type === 'object') return `một nhóm khoá {…}${schema.description ? ` (${schema.description.replace(/\.$/, '')})` : ''}`;
  return fallback;
}

function message(e: ErrorObject, label: (key: string) => string): Problem {
  const parent = e.parentSchema as Node | undefined;
  if (e.keyword === 'additionalProperties') {
    const group = keyOf(e.instancePath);
    const key = group ? `${group}.${String(e.params.additionalProperty)}` : String(e.params.additionalProperty);
    const siblings = Object.keys(parent?.properties ?? {}).map((k) => (group ? `${group}.${k}` : k));
    const guess = suggestKey(key, siblings, ALL_KEYS);
    return {
      key,
      message: `Khoá ${label(key)} không có trong cấu hình ` + (guess
        ? `(có thể bạn muốn viết "${guess}")`
        : `(các khoá có ở ${group ? `"${group}"` : 'cấp ngoài cùng'}: ${siblings.map((s) => s.slice(s.lastIndexOf('.') + 1)).join(', ')})`),
    };
  }
  const key = keyOf(e.instancePath);
  // A secret's value is never repeated, not even in an error message (it reaches the journal).
  const at = `Giá trị của ${label(key)} là ${parent?.['x-secret'] ? '(đã ẩn)' : shown(e.data)}`;
  if (parent?.['x-weekday'] && e.keyword === 'type') return { key, message: `${at}: ${WEEKDAY_HELP}.` };
  switch (e.keyword) {
    case 'type':
      return { key, message: `${at} nhưng cần ${expected(parent, String(e.params.type).split(',').map((t) => TYPE_VI[t] ?? t).join(' hoặc '))}.` };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { key, message: `${at}, ngoài khoảng cho phép: cần ${expected(parent, `${e.keyword} ${String(e.params.limit)}`)}.` };
    case 'minItems':
      return { key, message: `${at}: danh sách không được để trống, cần ${expected(parent, 'ít nhất một mục')}.` };
    default:
      return { key, message: `${at}, không đúng dạng: cần ${expected(parent, e.message ?? e.keyword)}.` };
  }
}

/**
 * The problems of a configuration object (all keys optional). `label` writes a key for the message:
 * `"http.port"`, or `"http.port" (biến môi trường SOHOA_PORT)` for the environment.
 */
export function schemaProblems(value: unknown, label: (key: string) => string = (k) => `"${k}"`): Problem[] {
  if (validatePartial(value)) return [];
  const seen = new Set<string>();
  return (validatePartial.errors ?? [])
    // A union type (duration: number or string) fails once per branch; the first says it all.
    .filter((e) => e.keyword !== 'if')
    .map((e) => message(e, label))
    .filter((p) => (seen.has(p.key) ? false : (seen.add(p.key), true)));
}
