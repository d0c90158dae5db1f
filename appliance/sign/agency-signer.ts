import { readFile } from 'node:fs/promises';
import type { SigningToken } from '../../drivers/token/token.js';
import { SohoaError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { pemToDerList } from './pem.js';
import { signPdf, type SignResult } from './sign-pdf.js';
import { tokenSigner } from './signer.js';
import { verifyPdf, type VerifyReport } from './verify.js';

// What the filing stage calls: sign a PDF with the agency token (seal or text appearance) and
// verify the result before anyone queues it. Files (chain, trust anchors, seal) are read in
// start(), so a missing one is reported when the appliance starts, not at the first document.

export interface AgencySignerOptions {
  token: SigningToken;
  agencyName: string;
  /** PEM certificates above the token's certificate, embedded in every signature ('' = none). */
  chainPath: string;
  /** PEM trust anchors the token's certificate must chain to. */
  trustPath: string;
  /** Seal PNG for the visible signature. */
  sealPath: string;
  /** RFC 3161 time-stamping authority; '' = B-B only. */
  tsaUrl?: string;
  log?: Logger;
  /** Where each signature's time and outcome is published (`sign.finished`); the CLI has none. */
  bus?: EventBus;
}

export interface AgencySignRequest {
  /** 'seal' for the document itself, 'text' for an attachment. */
  appearance: 'seal' | 'text';
  /** Số/ký hiệu shown by the text appearance. */
  label?: string;
  reason?: string;
  location?: string;
  time?: Date;
}

export class AgencySigner {
  private chain: Uint8Array[] = [];
  private anchors: Uint8Array[] = [];
  private seal: Uint8Array | undefined;

  constructor(private readonly opts: AgencySignerOptions) {}

  async start(): Promise<void> {
    const read = async (path: string, what: string) => {
      try {
        return await readFile(path);
      } catch (err) {
        throw new SohoaError('token.certificate', `Thiếu tệp cấu hình ký số (${what}). Hãy báo kỹ thuật viên.`, `cannot read ${what} ${path}: ${(err as Error).message}`);
      }
    };
    this.chain = this.opts.chainPath ? pemToDerList((await read(this.opts.chainPath, 'certificate chain')).toString('utf8')) : [];
    this.anchors = pemToDerList((await read(this.opts.trustPath, 'trust anchors')).toString('utf8'));
    this.seal = new Uint8Array(await read(this.opts.sealPath, 'seal image'));
  }

  async stop(): Promise<void> {
    this.seal = undefined;
  }

  async sign(pdf: Uint8Array, req: AgencySignRequest): Promise<SignResult & { report: VerifyReport }> {
    const started = performance.now();
    try {
      const res = await this.signAndVerify(pdf, req);
      this.opts.bus?.emit('sign.finished', { ok: true, ms: performance.now() - started, level: res.level });
      return res;
    } catch (err) {
      this.opts.bus?.emit('sign.finished', { ok: false, ms: performance.now() - started, level: null });
      throw err;
    }
  }

  private async signAndVerify(pdf: Uint8Array, req: AgencySignRequest): Promise<SignResult & { report: VerifyReport }> {
    if (!this.seal) throw new SohoaError('internal', 'Bộ ký số chưa sẵn sàng. Hãy thử lại.', 'AgencySigner.sign before start()');
    const signer = await tokenSigner(this.opts.token, this.chain);
    const res = await signPdf(pdf, signer, {
      agencyName: this.opts.agencyName, sealPng: this.seal, time: req.time ?? new Date(),
      appearance: req.appearance, label: req.label, reason: req.reason, location: req.location,
      tsaUrl: this.opts.tsaUrl || undefined, trustAnchors: this.anchors,
    });
    for (const w of res.warnings) this.opts.log?.warn({ level: res.level }, w);
    const report = await verifyPdf(res.pdf, { trustAnchors: this.anchors });
    if (!report.valid) {
      throw new SohoaError('verify.failed', 'Chữ ký số vừa tạo không kiểm tra được nên văn bản chưa được gửi. Hãy báo kỹ thuật viên.',
        `verification of the signed PDF failed: ${[...report.errors, ...report.signatures.flatMap((s) => s.errors)].join('; ')}`);
    }
    return { ...res, report };
  }
}
