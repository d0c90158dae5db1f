import { isGroup, leaves, type Node } from './schema-walk.js';

// The configuration is built from layers, each setting taken from the last layer that has it:
// schema defaults < demo parts < configuration file < secret file / systemd credential <
// environment. Every value keeps where it came from, for `sohoa config show` and for messages.

export type Source =
  | { kind: 'default' }
  | { kind: 'derived'; from: string }
  | { kind: 'demo' }
  | { kind: 'file'; file: string }
  | { kind: 'secret-file'; file: string }
  | { kind: 'credential'; file: string }
  | { kind: 'env'; name: string };

export interface Layer { source: Source; values: Map<string, unknown> }
export interface Sourced { value: unknown; source: Source }

/** The settings an object names, by key path (groups are walked, anything else is one setting). */
export function flatten(obj: unknown, schema: Node, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return out;
  for (const [name, value] of Object.entries(obj as Record<string, unknown>)) {
    const child = schema.properties?.[name] as Node | undefined;
    const key = prefix ? `${prefix}.${name}` : name;
    if (!child || value === undefined) continue;
    if (isGroup(child)) for (const [k, v] of flatten(value, child, key)) out.set(k, v);
    else out.set(key, value);
  }
  return out;
}

/** The nested object of key paths → values. */
export function unflatten(values: Map<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of values) {
    const parts = key.split('.');
    let o = root;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts.at(-1)!] = value;
  }
  return root;
}

/** The schema's defaults as a layer. */
export function defaultsLayer(schema: Node): Layer {
  return { source: { kind: 'default' }, values: new Map(leaves(schema).map((l) => [l.key, structuredClone(l.schema.default)])) };
}

/** Every setting with its value and where it came from; later layers win. */
export function merge(layers: Layer[]): Map<string, Sourced> {
  const out = new Map<string, Sourced>();
  for (const layer of layers) for (const [k, value] of layer.values) out.set(k, { value, source: layer.source });
  return out;
}

/** Where a value came from, in Vietnamese (with the English word a support person greps for). */
export function describeSource(s: Source): string {
  switch (s.kind) {
    case 'default': return 'mặc định (default)';
    case 'derived': return `suy ra từ ${s.from} (default)`;
    case 'demo': return 'phần thử nghiệm (demo)';
    case 'file': return `tệp ${s.file} (file)`;
    case 'secret-file': return `tệp bí mật ${s.file} (file)`;
    case 'credential': return `systemd credential ${s.file} (file)`;
    case 'env': return `biến môi trường ${s.name} (environment)`;
  }
}
