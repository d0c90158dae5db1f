import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { EDXML_NS } from './format.js';

// The one place that knows how fast-xml-parser is configured for edXML. The builder escapes text
// (&, <, >, quotes); the parser drops namespace prefixes (published packages mix `edXML:` and
// unprefixed elements in the same namespace) and keeps every value as a string ("01" stays "01").

type Node = Record<string, unknown>;

/** Elements that may repeat: always parsed as arrays so one or many read the same way. */
const REPEATED = new Set(['To', 'Place', 'Reference', 'Attachment', 'TraceHeader', 'Appendix']);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

const builder = new XMLBuilder({ format: true, ignoreAttributes: false, suppressEmptyNode: false });

// XML 1.0 forbids most C0 control characters; OCR text can contain them.
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text for an element: NFC (TCVN 6909), without characters XML cannot carry. */
export function text(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v).normalize('NFC').replace(ILLEGAL, '');
}

/** Prefixes every key of a plain tree with `edXML:` (attributes and the declaration excepted). */
function prefixed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prefixed);
  if (v === null || typeof v !== 'object') return v;
  const out: Node = {};
  for (const [k, child] of Object.entries(v as Node)) out[k.startsWith('@_') || k === '#text' ? k : `edXML:${k}`] = prefixed(child);
  return out;
}

/**
 * Serialises an `edXML` document: `envelope` (and `after`, e.g. AttachmentEncoded) are plain trees
 * with unprefixed names; they are written in the edXML namespace with the `edXML:` prefix, as the
 * published packages do.
 */
export function buildEdxml(envelope: Node, after: Node = {}): string {
  const root = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    edXML: {
      '@_xmlns': EDXML_NS,
      'edXML:edXMLEnvelope': { '@_xmlns:edXML': EDXML_NS, ...(prefixed(envelope) as Node) },
      ...(prefixed(after) as Node),
    },
  };
  return builder.build(root) as string;
}

/** Parses an edXML document into a tree (names without prefix) or lists why it is not XML. */
export function parseEdxml(xml: string): { root: Node | null; errors: string[] } {
  // DTDs are never part of edXML; refusing them closes the entity-expansion and XXE doors.
  if (/<!DOCTYPE/i.test(xml)) return { root: null, errors: ['DOCTYPE declarations are not allowed'] };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { root: null, errors: [`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`] };
  const tree = parser.parse(xml) as Node;
  const root = tree.edXML;
  if (!root || typeof root !== 'object') return { root: null, errors: ['the root element is not edXML'] };
  return { root: root as Node, errors: [] };
}

/** Reads a tree without throwing: a path of names; arrays give their first element. */
export function at(node: unknown, ...path: string[]): unknown {
  let cur = node;
  for (const name of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Node)[name];
  }
  return cur;
}

/** The string value at a path ('' when absent or not a leaf). */
export function str(node: unknown, ...path: string[]): string {
  let v = at(node, ...path);
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** The list at a path (empty when absent). */
export function list(node: unknown, ...path: string[]): unknown[] {
  const v = at(node, ...path);
  return Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v];
}
