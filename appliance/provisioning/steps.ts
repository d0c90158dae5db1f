import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dayNames } from '../config/weekdays.js';
import { checkAccounts, type AccountAnswer } from './accounts.js';
import { checkAgency } from './agency.js';
import { checkCentral } from './central.js';
import { checkOfficeHours } from './office-hours.js';
import { checkScanner, discoverScanners, type Source } from './scanner.js';
import { checkSeal } from './seal.js';
import { checkToken, discoverModules, listTokens } from './token.js';
import { getPath, outcome, ProvisionError, str, STEP_TITLES, type ConfigJson, type StepName, type StepOutcome } from './types.js';

// Each step's answers, from the answer file (and --set flags), else asked on the terminal with the
// current configuration's value as the default. Non-interactive, a step with no answers keeps what
// the file already has; a step with neither is an error that names the answer-file key.

export interface Prompter {
  /** A line of text; Enter keeps `def`. */
  ask(question: string, def?: string): Promise<string>;
  /** Typed without echo (PINs, credentials). */
  secret(question: string): Promise<string>;
  say(line: string): void;
}

export interface StepContext {
  configFile: string;
  current: ConfigJson;
  /** The whole answer file; each step reads its own section. */
  answers: ConfigJson;
  /** Set on a terminal, absent for an answer-file run. */
  prompt?: Prompter;
  /** The data folder the accounts go to (the agency step may have just chosen it). */
  dataDir: () => string;
}

type Section = Record<string, unknown>;

const section = (ctx: StepContext, name: string): Section | undefined => {
  const s = ctx.answers[name];
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Section) : undefined;
};

/** answer ?? current setting ?? fallback (an empty answer is no answer); on a terminal, asked with that as the default. */
async function value(ctx: StepContext, s: Section | undefined, answerKey: string, configKey: string, question: string, fallback = ''): Promise<string> {
  const given = str(s?.[answerKey]);
  const def = given || str(getPath(ctx.current, configKey)) || fallback;
  return ctx.prompt ? (await ctx.prompt.ask(question, def)).trim() : def;
}

function kept(step: StepName, ctx: StepContext, keys: string[]): StepOutcome {
  const named = keys.filter((k) => str(getPath(ctx.current, k)));
  if (named.length < keys.length) {
    throw new ProvisionError(step, `Thiếu câu trả lời cho bước "${STEP_TITLES[step]}": tệp trả lời không có phần "${step}" và cấu hình hiện có chưa ghi ${keys.filter((k) => !named.includes(k)).map((k) => `"${k}"`).join(', ')}.`);
  }
  return outcome(step, {}, [`${STEP_TITLES[step]}: giữ nguyên cấu hình hiện có`]);
}

const noAnswers = (ctx: StepContext, name: string) => !ctx.prompt && ctx.answers[name] === undefined;

async function agency(ctx: StepContext): Promise<StepOutcome> {
  if (noAnswers(ctx, 'agency') && ctx.answers.dataDir === undefined) return kept('agency', ctx, ['agency.name', 'agency.id']);
  const s = section(ctx, 'agency');
  const name = await value(ctx, s, 'name', 'agency.name', 'Tên cơ quan');
  const id = await value(ctx, s, 'id', 'agency.id', 'Mã định danh cơ quan (000.00.00.H41 hoặc H37.02.02)');
  const dataDir = await value(ctx, ctx.answers as Section, 'dataDir', 'dataDir', 'Thư mục dữ liệu', '/var/lib/sohoa');
  return checkAgency({ name, id, dataDir });
}

async function central(ctx: StepContext): Promise<StepOutcome> {
  if (noAnswers(ctx, 'central')) return kept('central', ctx, ['central.url', 'central.toId', 'central.toName', 'central.deviceTokenFile']);
  const s = section(ctx, 'central');
  const url = await value(ctx, s, 'url', 'central.url', 'Địa chỉ hệ thống trung tâm (https://…)');
  const toId = await value(ctx, s, 'toId', 'central.toId', 'Mã định danh của hệ thống nhận văn bản');
  const toName = await value(ctx, s, 'toName', 'central.toName', 'Tên của hệ thống nhận văn bản');
  const tokenFile = await value(ctx, s, 'tokenFile', 'central.deviceTokenFile', 'Tệp lưu mã xác thực (chmod 600)', join(dirname(ctx.configFile), 'central.secret'));
  const existing = str(getPath(ctx.current, 'central.deviceTokenFile'));
  const old = existing && existsSync(existing) ? readFileSync(existing, 'utf8').trim() : '';
  let deviceToken = str(s?.deviceToken);
  if (ctx.prompt && !deviceToken) deviceToken = (await ctx.prompt.secret(`Mã xác thực của máy${old ? ' (Enter = giữ mã hiện có)' : ''}: `)).trim();
  return checkCentral({ url, toId, toName, tokenFile, deviceToken: deviceToken || old });
}

async function token(ctx: StepContext): Promise<StepOutcome> {
  if (noAnswers(ctx, 'token')) return kept('token', ctx, ['token.module', 'token.trustPath']);
  const s = section(ctx, 'token');
  const env = (s?.env ?? getPath(ctx.current, 'token.env') ?? {}) as Record<string, string>;
  if (ctx.prompt) {
    const mods = discoverModules();
    ctx.prompt.say(mods.length ? `Thư viện PKCS#11 tìm thấy: ${mods.join(', ')}` : 'Không tìm thấy thư viện PKCS#11 nào ở các chỗ thường cài.');
  }
  const module = await value(ctx, s, 'module', 'token.module', 'Thư viện PKCS#11 (Enter = tự tìm)', discoverModules()[0] ?? '');
  let label = str(s?.label ?? (s ? '' : getPath(ctx.current, 'token.label')));
  let serial = str(s?.serial ?? (s ? '' : getPath(ctx.current, 'token.serial')));
  if (ctx.prompt) {
    const { tokens } = await listTokens({ module, env });
    tokens.forEach((t, i) => ctx.prompt!.say(`  ${i + 1}. nhãn "${t.label}", serial ${t.serial}, ${t.manufacturer} ${t.model}`));
    if (!tokens.length) ctx.prompt.say('  (không có khoá nào đang cắm)');
    const pick = (await ctx.prompt.ask('Chọn khoá: số thứ tự, nhãn hoặc serial', serial || label || (tokens.length === 1 ? '1' : ''))).trim();
    const byIndex = /^\d{1,2}$/.test(pick) ? tokens[Number(pick) - 1] : undefined;
    const bySerial = tokens.find((t) => t.serial === pick);
    if (byIndex) { label = byIndex.label; serial = ''; } else if (bySerial) { serial = pick; label = ''; } else { label = pick; serial = ''; }
  }
  const trustPath = await value(ctx, s, 'trustPath', 'token.trustPath', 'Tệp chứng thư gốc tin cậy (PEM)');
  const chainPath = await value(ctx, s, 'chainPath', 'token.chainPath', 'Tệp chuỗi chứng thư trung gian (PEM, Enter = không có)');
  return checkToken({ module, label, serial, env, trustPath, chainPath });
}

async function seal(ctx: StepContext): Promise<StepOutcome> {
  if (noAnswers(ctx, 'seal')) return kept('seal', ctx, ['agency.sealPath']);
  return checkSeal({ path: await value(ctx, section(ctx, 'seal'), 'path', 'agency.sealPath', 'Ảnh con dấu (PNG nền trong suốt)') });
}

async function hours(ctx: StepContext): Promise<StepOutcome> {
  if (noAnswers(ctx, 'hours')) return outcome('hours', {}, ['Giờ làm việc: giữ nguyên (hoặc mặc định 07:30–17:00, Thứ Hai–Thứ Sáu)']);
  const s = section(ctx, 'hours');
  const start = await value(ctx, s, 'start', 'register.officeHours.start', 'Giờ mở cửa (HH:mm)', '07:30');
  const end = await value(ctx, s, 'end', 'register.officeHours.end', 'Giờ đóng cửa (HH:mm)', '17:00');
  const current = getPath(ctx.current, 'register.officeHours.days');
  const defDays = Array.isArray(s?.days) && s.days.length ? (s.days as string[]).join(', ') : str(s?.days) || (Array.isArray(current) ? current.join(', ') : dayNames([1, 2, 3, 4, 5]).join(', '));
  const days = ctx.prompt ? await ctx.prompt.ask('Ngày làm việc (tên ngày, cách nhau bằng dấu phẩy)', defDays) : defDays;
  return checkOfficeHours({ start, end, days });
}

async function scanner(ctx: StepContext): Promise<StepOutcome> {
  if (noAnswers(ctx, 'scanner')) return kept('scanner', ctx, ['scanner.device']);
  const s = section(ctx, 'scanner');
  let saneConfigDir = str(s?.saneConfigDir ?? (s ? undefined : getPath(ctx.current, 'scanner.saneConfigDir')));
  let device = str(s?.device ?? (s ? '' : getPath(ctx.current, 'scanner.device')));
  let esclUrl = str(s?.esclUrl);
  let name = str(s?.name);
  if (ctx.prompt) {
    ctx.prompt.say('Đang tìm máy quét (scanimage -L)…');
    const found = await discoverScanners(saneConfigDir).catch((e: Error) => { ctx.prompt!.say(e.message); return []; });
    found.forEach((f, i) => ctx.prompt!.say(`  ${i + 1}. ${f.device} — ${f.vendor} ${f.model} (${f.type})`));
    if (!found.length) ctx.prompt.say('  (không tìm thấy máy quét nào; máy quét mạng: nhập địa chỉ eSCL http://…/eSCL)');
    const pick = (await ctx.prompt.ask('Máy quét: số thứ tự, tên thiết bị SANE hoặc địa chỉ eSCL', device || (found.length === 1 ? '1' : ''))).trim();
    const byIndex = /^\d{1,2}$/.test(pick) ? found[Number(pick) - 1] : undefined;
    if (/^https?:\/\//.test(pick)) {
      esclUrl = pick;
      name = await ctx.prompt.ask('Tên máy quét mạng', name || 'May quet');
      saneConfigDir = await ctx.prompt.ask('Thư mục cấu hình SANE riêng của Sohoa', saneConfigDir || join(dirname(ctx.configFile), 'sane'));
    } else device = byIndex?.device ?? pick;
  } else if (esclUrl && !saneConfigDir) saneConfigDir = join(dirname(ctx.configFile), 'sane');
  const source = (await value(ctx, s, 'source', 'scanner.source', 'Nguồn giấy: adf, adf-duplex hoặc flatbed', 'adf')) as Source;
  const dpi = Number(await value(ctx, s, 'dpi', 'scanner.dpi', 'Độ phân giải (dpi, tối thiểu 200)', '300'));
  const mode = (await value(ctx, s, 'mode', 'scanner.mode', 'Chế độ màu (color)', 'color')) as 'color' | 'gray';
  if (ctx.prompt) await ctx.prompt.ask('Đặt một tờ văn bản vào máy quét rồi nhấn Enter để quét thử', '');
  return checkScanner({ device, esclUrl, name, saneConfigDir, source, dpi, mode });
}

async function accounts(ctx: StepContext): Promise<StepOutcome> {
  const given = ctx.answers.accounts;
  let people: AccountAnswer[] = Array.isArray(given) ? (given as AccountAnswer[]) : [];
  if (given !== undefined && !Array.isArray(given)) throw new ProvisionError('accounts', 'Phần "accounts" của tệp trả lời phải là danh sách [{"name": "…", "pin": "…"}].');
  if (ctx.prompt) {
    people = [];
    for (;;) {
      const name = (await ctx.prompt.ask('Họ và tên người dùng mới (Enter = xong)', '')).trim();
      if (!name) break;
      const pin = await ctx.prompt.secret('Mã PIN (4–8 chữ số): ');
      const again = await ctx.prompt.secret('Nhập lại mã PIN: ');
      if (pin !== again) { ctx.prompt.say('Hai lần nhập mã PIN không khớp: nhập lại người này.'); continue; }
      const tech = (await ctx.prompt.ask('Kỹ thuật viên? (c/k)', 'k')).trim().toLowerCase().startsWith('c');
      people.push({ name, pin, role: tech ? 'technician' : 'clerk' });
    }
  }
  return checkAccounts(ctx.dataDir(), people);
}

export const STEPS: Record<StepName, (ctx: StepContext) => Promise<StepOutcome>> = { agency, central, token, seal, hours, scanner, accounts };
