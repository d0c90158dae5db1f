import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';

// The kinds of setting the schema is made of. Each builder returns a TypeBox schema carrying the
// setting's default and its help text: `description` in Vietnamese (the technician's language) and
// `x-en` in English, plus `x-*` annotations the loader acts on. The TypeScript type each builder
// declares is the value the code base receives, after loading (day names → 0–6, "5 phút" → 5).

export interface Help {
  /** What the setting is, in Vietnamese. */
  vi: string;
  /** The same in English. */
  en: string;
  /** Environment variable that overrides it. */
  env?: string;
  /** What a valid value looks like, in Vietnamese (shown when the value does not fit). */
  expect?: string;
}

/** How a path setting is checked when it is not empty. */
export type PathKind =
  | 'file' // must exist and be a file
  | 'dir' // must exist and be a folder
  | 'creatable' // Sohoa creates it: it or its parent folder must exist
  | 'mount'; // an external disk or share: only a warning when it is missing

export type DurationUnit = 'ms' | 'seconds' | 'minutes';

/** The `x-*` annotations, as the loader reads them from a schema node. */
export interface Annotations {
  description?: string;
  'x-en'?: string;
  'x-env'?: string;
  'x-expect'?: string;
  'x-path'?: PathKind;
  'x-unit'?: DurationUnit;
  'x-secret'?: boolean;
  'x-weekdays'?: boolean;
  'x-weekday'?: boolean;
  'x-cidr'?: boolean;
  default?: unknown;
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: unknown[];
  properties?: Record<string, TSchema>;
  items?: TSchema;
}

/** The annotation keywords, registered with ajv so that strict mode accepts them. */
export const ANNOTATION_KEYWORDS = ['x-en', 'x-env', 'x-expect', 'x-path', 'x-unit', 'x-secret', 'x-weekdays', 'x-weekday', 'x-cidr'];

const help = (h: Help) => ({
  description: h.vi, 'x-en': h.en,
  ...(h.env ? { 'x-env': h.env } : {}),
  ...(h.expect ? { 'x-expect': h.expect } : {}),
});

export const Group = <P extends TProperties>(props: P, h: Pick<Help, 'vi' | 'en'>): TObject<P> =>
  Type.Object(props, { additionalProperties: false, ...help(h) });

export const Str = (def: string, h: Help, extra: { pattern?: string; maxLength?: number } = {}) =>
  Type.String({ default: def, ...extra, ...help(h) });

/** A secret: never printed, never logged (`sohoa config show` masks it). */
export const Secret = (h: Help) => Type.String({ default: '', 'x-secret': true, ...help(h) });

export const Int = (def: number, min: number, max: number, h: Help) =>
  Type.Integer({ default: def, minimum: min, maximum: max, ...help({ expect: `một số nguyên từ ${min} đến ${max}`, ...h }) });

export const Bool = (def: boolean, h: Help) => Type.Boolean({ default: def, ...help({ expect: 'true hoặc false', ...h }) });

export const OneOf = <T extends string>(values: readonly T[], def: T, h: Help) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], default: def, ...help({ expect: `một trong: ${values.map((v) => `"${v}"`).join(', ')}`, ...h }) }));

/** A file or folder; '' = not set. Relative paths in the file are taken from the file's folder. */
export const Path = (kind: PathKind, def: string, h: Help) => Type.String({ default: def, 'x-path': kind, ...help(h) });

const UNIT_VI: Record<DurationUnit, string> = { ms: 'mili giây', seconds: 'giây', minutes: 'phút' };

/**
 * A duration: a number in the unit the key names (`…Ms`, `…Seconds`, `…Minutes`), or a string with
 * its unit ("1500 ms", "90 s", "5 phút", "2 h"). The range is in the key's unit.
 */
export const Duration = (unit: DurationUnit, def: number, min: number, max: number, h: Help) =>
  Type.Unsafe<number>({
    type: ['number', 'string'], minimum: min, maximum: max, default: def, 'x-unit': unit,
    pattern: DURATION_PATTERN,
    ...help({ expect: `một khoảng thời gian từ ${min} đến ${max} ${UNIT_VI[unit]}: một số (${UNIT_VI[unit]}) hoặc có đơn vị, ví dụ "90 giây", "5 phút", "1500 ms"`, ...h }),
  });

export const DURATION_PATTERN = '^\\s*\\d+(?:[.,]\\d+)?\\s*(?:ms|s|sec|giây|min|phút|h|giờ)\\s*$';

/** Local time of day "HH:mm", 24-hour ("24:00" = midnight, as an end). */
export const Clock = (def: string, h: Help) =>
  Type.String({ default: def, pattern: '^(?:[01]\\d|2[0-3]):[0-5]\\d$|^24:00$', ...help({ expect: 'giờ dạng "HH:mm" (24 giờ), ví dụ "07:30" hoặc "17:00"', ...h }) });

/**
 * Week days by name ("Thứ Hai" … "Chủ Nhật"; English "Mon"/"Monday" … too). Numbers are refused:
 * 0–6, 1–7 and "thứ 2 = Monday" all exist, so a number is a guess. Loaded as 0 = Sunday … 6 = Saturday.
 */
export const Weekdays = (def: string[], h: Help) =>
  Type.Unsafe<number[]>({
    type: 'array', minItems: 1, default: def, 'x-weekdays': true,
    items: { type: 'string', minLength: 1, 'x-weekday': true },
    ...help({ expect: 'danh sách tên ngày, ví dụ ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu"]', ...h }),
  });

/** Network ranges "10.0.0.0/8", "::1" (one address). */
export const CidrList = (def: string[], h: Help) =>
  Type.Array(Type.String({ minLength: 1, 'x-cidr': true }), { default: def, ...help({ expect: 'danh sách dải mạng dạng "10.0.0.0/8" hoặc một địa chỉ "::1"', ...h }) });

/** Absolute folders that may be absent (where removable drives are mounted: drives come and go). */
export const PathList = (def: string[], h: Help) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 4096, pattern: '^/' }), { default: def, ...help({ expect: 'danh sách thư mục (đường dẫn tuyệt đối), ví dụ ["/media", "/run/media"]', ...h }) });

/** Environment of the PKCS#11 module: name → value. */
export const EnvMap = (h: Help) => Type.Record(Type.String(), Type.String(), { default: {}, ...help(h) });
