import type { TSchema } from '@sinclair/typebox';
import type { Annotations } from './schema-kinds.js';

// Reading the settings schema as a tree of groups (objects with named keys) and settings (the
// leaves: strings, numbers, lists, the module's environment map). Keys are dotted paths,
// "register.officeHours.days".

export type Node = TSchema & Annotations;

export const isGroup = (s: Node): boolean => s.type === 'object' && !!s.properties;

export interface Leaf { key: string; schema: Node }

/** Every setting (leaf) of the schema, in schema order. */
export function leaves(schema: Node, prefix = ''): Leaf[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => {
    const key = prefix ? `${prefix}.${name}` : name;
    return isGroup(child as Node) ? leaves(child as Node, key) : [{ key, schema: child as Node }];
  });
}

/** Every key path, groups included ("token", "token.label", …). */
export function keyPaths(schema: Node, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => {
    const key = prefix ? `${prefix}.${name}` : name;
    return isGroup(child as Node) ? [key, ...keyPaths(child as Node, key)] : [key];
  });
}

/** The schema node of a key path, or undefined. */
export function nodeAt(schema: Node, key: string): Node | undefined {
  let n: Node | undefined = schema;
  for (const part of key.split('.')) n = n?.properties?.[part] as Node | undefined;
  return n;
}

/** The same schema with nothing required: a configuration file names only what differs. */
export function optionalEverywhere(schema: Node): Node {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) if (k !== 'required') out[k] = strip(val);
    return out;
  };
  return strip(schema) as Node;
}
