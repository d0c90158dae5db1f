import type { SigningToken } from '../../drivers/token/token.js';
import type { Config } from '../config/config.js';
import { buildNewDocumentPackage, documentIdFor, priorityOf } from '../edxml/index.js';
import { SohoaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { OcrPage } from '../ocr/ocr.js';
import { attachmentFileName } from '../pdf/attachment-name.js';
import { buildSearchablePdf } from '../pdf/searchable-pdf.js';
import type { RegisterEntry } from '../register/register.js';
import { signPdf } from '../sign/sign-pdf.js';
import { tokenSigner } from '../sign/signer.js';
import { verifyPdf } from '../sign/verify.js';
import type { FilingPort } from './ports.js';

// pdf + sign + edxml for one registered document: the searchable PDF, the agency signature with
// the visible seal (verified before anything queues it), and the QCVN 102 package.

export interface FilingDeps {
  agency: Config['agency'];
  central: Pick<Config['central'], 'toId' | 'toName'>;
  tsaUrl: string;
  token: SigningToken;
  /** Certificates above the token's, embedded in every signature. */
  chain: Uint8Array[];
  trustAnchors: Uint8Array[];
  sealPng: Uint8Array | undefined;
  log: Logger;
}

export function createFiling(deps: FilingDeps): FilingPort {
  return {
    buildPdf(pages: OcrPage[], doc: RegisterEntry) {
      const f = doc.fields;
      return buildSearchablePdf(
        pages.map((p) => ({ imagePath: p.imagePath, width: p.width, height: p.height, dpi: p.dpi, lines: p.lines })),
        {
          title: [f.type, f.numberNotation, f.summary].filter(Boolean).join(' ') || `Văn bản đến số ${doc.arrivalNumber}`,
          author: f.issuer ?? undefined,
          subject: f.summary ?? undefined,
          keywords: [`số đến ${doc.arrivalNumber}`, doc.arrivalDate],
        },
      );
    },

    async sign(pdf: Uint8Array, doc: RegisterEntry) {
      const signer = await tokenSigner(deps.token, deps.chain);
      const res = await signPdf(pdf, signer, {
        agencyName: deps.agency.name,
        sealPng: deps.sealPng,
        appearance: deps.sealPng ? 'seal' : 'text',
        label: doc.fields.numberNotation ?? undefined,
        time: new Date(),
        reason: `Số hoá văn bản đến số ${doc.arrivalNumber}`,
        tsaUrl: deps.tsaUrl || undefined,
        trustAnchors: deps.trustAnchors,
      });
      for (const w of res.warnings) deps.log.warn({ docId: doc.docId }, w);
      // Every signed PDF is checked before it is queued: a broken signature never leaves the desk.
      const report = await verifyPdf(res.pdf, { trustAnchors: deps.trustAnchors });
      const last = report.signatures.at(-1);
      if (!report.valid || !last?.valid) {
        throw new SohoaError('verify.failed', 'Chữ ký số vừa tạo không hợp lệ. Văn bản chưa được gửi; hãy báo kỹ thuật viên.',
          `verification of ${doc.docId} failed: ${JSON.stringify(last?.errors ?? report)}`);
      }
      return res.pdf;
    },

    package(pdf: Uint8Array, doc: RegisterEntry) {
      const f = doc.fields;
      if (!f.numberNotation || !f.date) {
        throw new SohoaError('request.invalid', 'Thiếu số, ký hiệu hoặc ngày ban hành: hãy bổ sung rồi đăng ký lại.', `document ${doc.docId} lacks numberNotation/date`);
      }
      const documentId = documentIdFor(deps.agency.id, f.date, f.numberNotation);
      const xml = buildNewDocumentPackage({
        from: { id: deps.agency.id, name: deps.agency.name },
        to: [{ id: deps.central.toId, name: deps.central.toName }],
        fields: f,
        arrival: { date: doc.arrivalDate },
        attachment: { fileName: attachmentFileName(f.numberNotation, f.date), pdf },
        documentId,
      });
      return { documentId, xml, priority: priorityOf(f.urgency) };
    },
  };
}
