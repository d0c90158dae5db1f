import { readFileSync } from 'node:fs';
import { PDFHexString, PDFName, type PDFDocument } from 'pdf-lib';
import { randomBytes } from 'node:crypto';
import { projectPath } from '../config/paths.js';

// PDF/A-2b declaration: XMP metadata that mirrors the Info dictionary, an sRGB output intent with
// its ICC profile, a file identifier. Fonts are embedded by construction. Declared, not proven:
// no PDF/A validator (veraPDF) runs on this machine.

/** sRGB profile shipped with the project (from icc-profiles-free, zlib licence: see icc/README.md). */
export const SRGB_ICC_PATH = projectPath('appliance', 'pdf', 'icc', 'sRGB.icc');

export interface PdfaMeta {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  created: Date;
  producer: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function xmpPacket(m: PdfaMeta): string {
  const alt = (v: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${esc(v)}</rdf:li></rdf:Alt>`;
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title>${alt(m.title)}</dc:title>
${m.author ? `<dc:creator><rdf:Seq><rdf:li>${esc(m.author)}</rdf:li></rdf:Seq></dc:creator>` : ''}
${m.subject ? `<dc:description>${alt(m.subject)}</dc:description>` : ''}
${m.keywords?.length ? `<pdf:Keywords>${esc(m.keywords.join(' '))}</pdf:Keywords>` : ''}
<pdf:Producer>${esc(m.producer)}</pdf:Producer>
<xmp:CreatorTool>${esc(m.producer)}</xmp:CreatorTool>
<xmp:CreateDate>${iso(m.created)}</xmp:CreateDate>
<xmp:ModifyDate>${iso(m.created)}</xmp:ModifyDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

let icc: Uint8Array | undefined;

export function declarePdfA(doc: PDFDocument, m: PdfaMeta): void {
  doc.setTitle(m.title, { showInWindowTitleBar: true });
  if (m.author) doc.setAuthor(m.author);
  if (m.subject) doc.setSubject(m.subject);
  // pdf-lib joins keywords with a space; the XMP copy must read the same.
  if (m.keywords?.length) doc.setKeywords(m.keywords);
  doc.setProducer(m.producer);
  doc.setCreator(m.producer);
  doc.setCreationDate(m.created);
  doc.setModificationDate(m.created);

  const ctx = doc.context;
  const xmp = ctx.stream(Buffer.from(xmpPacket(m), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), ctx.register(xmp));
  icc ??= new Uint8Array(readFileSync(SRGB_ICC_PATH));
  const profile = ctx.register(ctx.flateStream(icc, { N: 3 }));
  const intent = ctx.obj({
    Type: 'OutputIntent', S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFHexString.fromText('sRGB IEC61966-2.1'), Info: PDFHexString.fromText('sRGB IEC61966-2.1'),
    DestOutputProfile: profile,
  });
  doc.catalog.set(PDFName.of('OutputIntents'), ctx.obj([intent]));
  const id = randomBytes(16).toString('hex');
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of(id), PDFHexString.of(id)]);
}
