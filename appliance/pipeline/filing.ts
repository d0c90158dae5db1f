import type { Config } from '../config/config.js';
import { buildNewDocumentPackage } from '../edxml/index.js';
import type { DocumentFields } from '../extract/fields.js';
import { SohoaError } from '../errors.js';
import type { OcrPage } from '../ocr/ocr.js';
import { attachmentFileName, partFileName } from '../pdf/attachment-name.js';
import { buildSearchablePdf, buildSearchablePdfParts, type PdfMeta, type PdfPageInput } from '../pdf/searchable-pdf.js';
import type { RegisterEntry } from '../register/register.js';
import type { AgencySigner } from '../sign/agency-signer.js';
import type { FilingPort } from './ports.js';

// pdf + sign + edxml for one registered document: the searchable PDF, the agency signature with
// the visible seal (verified before anything queues it), and the QCVN 102 package.

export interface FilingDeps {
  agency: Pick<Config['agency'], 'id' | 'name' | 'sealPath'>;
  central: Pick<Config['central'], 'toId' | 'toName'>;
  /** Signs with the token and verifies the result before it is returned. */
  signer: Pick<AgencySigner, 'sign'>;
  /** The issuer's OrganId from the agency directory, when it knows the confirmed issuer. */
  issuerId?: (fields: DocumentFields) => string | null;
}

/** How the PDF and the signature name the document: its số đến, or its printed number in the outgoing book. */
const bookLabel = (doc: RegisterEntry) => (doc.book === 'outgoing' ? `văn bản đi ${doc.outgoing?.number ?? doc.fields.numberNotation ?? ''}` : `văn bản đến số ${doc.arrivalNumber}`);

const pdfPages = (pages: OcrPage[]): PdfPageInput[] => pages.map((p) => ({ imagePath: p.imagePath, width: p.width, height: p.height, dpi: p.dpi, lines: p.lines }));

function pdfMeta(doc: RegisterEntry): PdfMeta {
  const f = doc.fields;
  const label = bookLabel(doc);
  return {
    title: [f.type, f.numberNotation, f.summary].filter(Boolean).join(' ') || label[0]!.toUpperCase() + label.slice(1),
    author: f.issuer ?? undefined,
    subject: f.summary ?? undefined,
    keywords: [doc.book === 'outgoing' ? label : `số đến ${doc.arrivalNumber}`, doc.arrivalDate],
  };
}

export function createFiling(deps: FilingDeps): FilingPort {
  return {
    buildPdf(pages: OcrPage[], doc: RegisterEntry) {
      return buildSearchablePdf(pdfPages(pages), pdfMeta(doc));
    },

    // Over 50 MB at a legible quality: split by pages, each part its own searchable PDF; each part
    // is then signed on its own (a signature covers the bytes of its file, so the receiver checks
    // every file it gets — Hà Nam art. 8.1b — without needing the others).
    buildParts(pages: OcrPage[], doc: RegisterEntry) {
      return buildSearchablePdfParts(pdfPages(pages), pdfMeta(doc));
    },

    async sign(pdf: Uint8Array, doc: RegisterEntry) {
      const res = await deps.signer.sign(pdf, {
        appearance: 'seal',
        label: doc.fields.numberNotation ?? undefined,
        reason: `Số hoá ${bookLabel(doc)}`,
      });
      return { pdf: res.pdf, level: res.level, warnings: res.warnings };
    },

    package(pdf: Uint8Array | Uint8Array[], doc: RegisterEntry) {
      const f = doc.fields;
      if (!f.numberNotation || !f.date) {
        throw new SohoaError('request.invalid', 'Thiếu số, ký hiệu hoặc ngày ban hành: hãy bổ sung rồi đăng ký lại.', `document ${doc.docId} lacks numberNotation/date`);
      }
      // parts keep the name rule: "…20171229P01.pdf", "…P02.pdf" (edxml/format.ts checks it again)
      const files = Array.isArray(pdf) && pdf.length > 1
        ? { attachments: pdf.map((p, i) => ({ fileName: partFileName(attachmentFileName(f.numberNotation!, f.date!), i + 1, pdf.length), pdf: p })) }
        : { attachment: { fileName: attachmentFileName(f.numberNotation, f.date), pdf: Array.isArray(pdf) ? pdf[0]! : pdf } };
      if (doc.book === 'outgoing') {
        // An outgoing document (Lào Cai art. 9.2): this agency issued it; one package addressed to
        // every resolved recipient (To and ToPlaces, one each), since the DocumentId names the
        // document, not a delivery. "Lưu" copies and unresolved lines are not addressed.
        const to = (doc.outgoing?.recipients ?? []).filter((r) => r.organId && !r.copyOnly).map((r) => ({ id: r.organId!, name: r.name ?? r.text }));
        return buildNewDocumentPackage({
          from: { id: deps.agency.id, name: deps.agency.name }, to,
          fields: { ...f, recipients: to.map((o) => o.name), issuerId: deps.agency.id },
          arrival: { date: doc.arrivalDate },
          ...files,
        });
      }
      // the DocumentId names the issuer's OrganId when the directory knows the confirmed issuer
      // (else this agency's): two issuers' "01/TB" of one day stay two documents centrally
      return buildNewDocumentPackage({
        from: { id: deps.agency.id, name: deps.agency.name },
        to: [{ id: deps.central.toId, name: deps.central.toName }],
        fields: { ...f, issuerId: deps.issuerId?.(f) ?? null },
        arrival: { date: doc.arrivalDate },
        ...files,
      });
    },
  };
}
