import { readFile } from 'node:fs/promises';
import { failureLine, type Command } from './command.js';
import { promptPin } from './pin-prompt.js';
import { checkTokenModule, requireFile } from './signing-checks.js';
import { loadConfig } from '../config/config.js';
import { SohoaError } from '../errors.js';
import { atomicWrite } from '../store/atomic-write.js';
import { pemToDerList } from '../sign/pem.js';
import { signPdf } from '../sign/sign-pdf.js';
import { tokenSigner } from '../sign/signer.js';
import { verifyPdf } from '../sign/verify.js';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';

const help = `sohoa sign — sign a PDF with the agency token (PAdES, visible seal)

Usage:
  sohoa sign IN.pdf --out OUT.pdf [options]

The signature is PAdES baseline B-B (B-T with --tsa), added as an incremental update so earlier
signatures stay valid, with the agency seal at the top right of the first page (or a text
appearance with --text). The result is verified before it is written; nothing is written on error.

Options (each falls back to the environment, then to the configuration):
  --module PATH     PKCS#11 module                        env SOHOA_TOKEN_MODULE, config token.module
  --token L|SERIAL  token label or serial number          env SOHOA_TOKEN_LABEL/_SERIAL, config token.label
  --chain PEM       certificates above the token's one    config token.chainPath
  --trust PEM       trust anchors for the certificate     config token.trustPath
  --seal PNG        seal image                            config agency.sealPath
  --agency NAME     agency name shown beside the seal     config agency.name
  --text LABEL      text-only appearance (attachments): số/ký hiệu + time, no seal
  --reason TEXT     reason recorded in the signature
  --tsa URL         RFC 3161 time-stamping authority      env SOHOA_TSA_URL, config signing.tsaUrl
                    (unreachable: signed B-B with a warning)
The PIN is read from SOHOA_TOKEN_PIN (automation) or asked for on the terminal; it is never
stored or logged. The token locks after 3 wrong PINs: a wrong PIN is never retried.

Examples:
  sohoa sign scan.pdf --out signed.pdf
  SOHOA_TOKEN_PIN=123456 sohoa sign scan.pdf --out signed.pdf --tsa http://tsa.example.vn/
  sohoa sign att.pdf --out att-signed.pdf --text "48/2017/QĐ-UBND" --module /usr/lib/libbit4xpki.so
`;

interface Opts { input?: string; out?: string; module?: string; token?: string; chain?: string; trust?: string; seal?: string; agency?: string; text?: string; reason?: string; tsa?: string }

const FLAGS: Record<string, keyof Opts> = {
  '--out': 'out', '--module': 'module', '--token': 'token', '--chain': 'chain', '--trust': 'trust', '--seal': 'seal',
  '--agency': 'agency', '--text': 'text', '--reason': 'reason', '--tsa': 'tsa',
};

function parse(args: string[]): Opts {
  const o: Opts = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const key = FLAGS[a];
    if (key) {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      o[key] = v;
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a} (see sohoa sign --help)`);
    else if (o.input) throw new Error('give one input PDF');
    else o.input = a;
  }
  if (!o.input || !o.out) throw new Error('usage: sohoa sign IN.pdf --out OUT.pdf (see sohoa sign --help)');
  return o;
}

const command: Command = {
  name: 'sign',
  summary: 'sign a PDF with the agency token',
  help,
  async run(args) {
    let o: Opts;
    try {
      o = parse(args);
    } catch (err) {
      process.stderr.write(`sohoa sign: ${(err as Error).message}\n`);
      return 2;
    }
    const cfg = loadConfig(process.env, { check: 'settings' });
    const env = process.env;
    const module = o.module ?? env.SOHOA_TOKEN_MODULE ?? cfg.token.module;
    // Module settings (e.g. SOFTHSM2_CONF of the development token) unless already in the environment.
    const moduleEnv = Object.fromEntries(Object.entries(cfg.token.env).filter(([k]) => env[k] === undefined));
    let token: Pkcs11Token | undefined;
    try {
      const pdf = await readFile(o.input!);
      // Each file named, and there — else which one, and where to name it (not a raw ENOENT).
      const chainPath = o.chain ?? cfg.token.chainPath;
      const chain = chainPath ? pemToDerList(await readFile(requireFile(cfg, chainPath, { vi: 'tệp chuỗi chứng thư', key: 'token.chainPath', flag: '--chain' }), 'utf8')) : [];
      const anchors = pemToDerList(await readFile(requireFile(cfg, o.trust ?? cfg.token.trustPath, { vi: 'tệp chứng thư gốc tin cậy', key: 'token.trustPath', flag: '--trust CA.pem' }), 'utf8'));
      const appearance = o.text ? 'text' : 'seal';
      const seal = appearance === 'seal'
        ? new Uint8Array(await readFile(requireFile(cfg, o.seal ?? cfg.agency.sealPath, { vi: 'ảnh con dấu', key: 'agency.sealPath', flag: '--seal PNG (hoặc --text cho chữ ký không có con dấu)' })))
        : undefined;
      checkTokenModule(cfg, module, moduleEnv);

      let selector = { label: env.SOHOA_TOKEN_LABEL ?? cfg.token.label, serial: env.SOHOA_TOKEN_SERIAL ?? cfg.token.serial };
      if (o.token) {
        const probe = new Pkcs11Token({ module, env: moduleEnv });
        await probe.start();
        const present = await probe.list().finally(() => probe.close());
        selector = present.some((t) => t.serial === o.token) ? { label: '', serial: o.token } : { label: o.token, serial: '' };
      }
      token = new Pkcs11Token({ module, env: moduleEnv, ...selector });
      await token.start();
      await token.login(env.SOHOA_TOKEN_PIN ?? (await promptPin()));
      const signer = await tokenSigner(token, chain);
      const res = await signPdf(pdf, signer, {
        agencyName: o.agency ?? cfg.agency.name, sealPng: seal, time: new Date(), appearance, label: o.text,
        reason: o.reason, tsaUrl: o.tsa ?? (env.SOHOA_TSA_URL || cfg.signing.tsaUrl || undefined), trustAnchors: anchors,
      });
      const report = await verifyPdf(res.pdf, { trustAnchors: anchors });
      if (!report.valid) throw new SohoaError('verify.failed', 'Chữ ký vừa tạo không hợp lệ.', report.signatures.flatMap((s) => s.errors).join('; '));
      await atomicWrite(o.out!, res.pdf);
      for (const w of res.warnings) process.stderr.write(`sohoa sign: warning: ${w}\n`);
      const last = report.signatures[report.signatures.length - 1]!;
      process.stdout.write(JSON.stringify({ out: o.out, level: res.level, signer: last.signer, signingTime: last.signingTime, timestampTime: last.timestampTime, signatures: report.signatures.length, warnings: res.warnings }) + '\n');
      return 0;
    } catch (err) {
      process.stderr.write(failureLine('sign', err));
      return 1;
    } finally {
      await token?.logout().catch(() => undefined);
      await token?.close();
    }
  },
};

export default command;
