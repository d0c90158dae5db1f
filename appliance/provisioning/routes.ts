import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RoleHook } from '../api/require-role.js';
import { dataDirOf, readCurrent, writeAll } from './config-file.js';
import { runSelftest } from './run-selftest.js';
import { discoverScanners } from './scanner.js';
import { STEPS, type StepContext } from './steps.js';
import { discoverModules, listTokens } from './token.js';
import { ProvisionError, STEP_NAMES, STEP_TITLES, str, type ConfigJson, type StepName } from './types.js';

// Technician mode on the touchscreen: the steps of `sohoa provision` over HTTP, each with its own
// live check (validate) and its write (apply = validate, then the same atomic write as the CLI,
// changing only that step's part of the configuration file).
//
//   GET  /api/provision                      steps, current values (no secret), PKCS#11 modules found
//   GET  /api/provision/tokens?module=…      tokens the module sees (label, serial; no PIN)
//   GET  /api/provision/scanners?saneConfigDir=…   scanimage -L
//   POST /api/provision/:step/validate       the step's answers → {ok, shown, warnings} | 422 {error}
//   POST /api/provision/:step/apply          the same, then written → {ok, shown, written, problems}
//   POST /api/provision/selftest             {pin?} → the selftest report (PIN only to its process)
// Every route runs `guard` first: the technician role (the composition root passes requireRole('technician')).

export interface ProvisionRouteOptions {
  /** The configuration file technician mode writes. */
  configFile: string;
  /** Refuses anyone but a technician (403). Required: these routes are never open. */
  guard: RoleHook;
}

interface StepParams { step: string }

/** The step's answers as the answer file would hold them (accounts: a list, agency: + dataDir). */
function answersFor(step: StepName, body: Record<string, unknown>): ConfigJson {
  if (step === 'accounts') return { accounts: body.accounts ?? [] };
  if (step === 'agency') return { agency: body, ...(body.dataDir !== undefined ? { dataDir: body.dataDir } : {}) };
  return { [step]: body };
}

/** The current configuration without the credential (it lives in its own file anyway). */
function visible(current: ConfigJson): ConfigJson {
  const c = structuredClone(current);
  const central = c.central as Record<string, unknown> | undefined;
  if (central?.deviceToken) central.deviceToken = '********';
  return c;
}

// Request schemas (strict like the rest of the API: no coercion, unknown properties refused). A
// step's answers are an object whose fields the step itself checks, as it does for an answer file.
const stepParams = { type: 'object', additionalProperties: false, required: ['step'], properties: { step: { type: 'string', maxLength: 50 } } } as const;
const stepBody = { type: 'object', maxProperties: 50 } as const;
const selftestBody = { type: ['object', 'null'], additionalProperties: false, properties: { pin: { type: 'string', minLength: 4, maxLength: 32 } } } as const;
const query = (name: string) => ({ type: 'object', additionalProperties: false, properties: { [name]: { type: 'string', maxLength: 4096 } } });

function refuse(reply: FastifyReply, err: ProvisionError): FastifyReply {
  return reply.code(422).send({ ok: false, step: err.step, error: { code: err.code, message: err.vi } });
}

export function provisionRoutes(app: FastifyInstance, opts: ProvisionRouteOptions): void {
  const route = { onRequest: opts.guard };
  const stepOf = (req: FastifyRequest<{ Params: StepParams }>): StepName | undefined =>
    (STEP_NAMES as readonly string[]).includes(req.params.step) ? (req.params.step as StepName) : undefined;

  async function check(step: StepName, body: unknown) {
    const current = readCurrent(opts.configFile);
    const answers = answersFor(step, body && typeof body === 'object' ? (body as Record<string, unknown>) : {});
    const ctx: StepContext = {
      configFile: opts.configFile, current, answers,
      dataDir: () => str(answers.dataDir) || dataDirOf(current),
    };
    return { current, outcome: await STEPS[step](ctx) };
  }

  app.get('/api/provision', route, async () => ({
    configFile: opts.configFile,
    steps: STEP_NAMES.map((name) => ({ name, title: STEP_TITLES[name] })),
    current: visible(readCurrent(opts.configFile)),
    modules: discoverModules(),
  }));

  app.get<{ Querystring: { module?: string } }>('/api/provision/tokens', { ...route, schema: { querystring: query('module') } }, async (req, reply) => {
    const current = readCurrent(opts.configFile);
    try {
      return await listTokens({ module: req.query.module ?? '', env: ((current.token as ConfigJson | undefined)?.env ?? {}) as Record<string, string> });
    } catch (err) {
      if (err instanceof ProvisionError) return refuse(reply, err);
      throw err;
    }
  });

  app.get<{ Querystring: { saneConfigDir?: string } }>('/api/provision/scanners', { ...route, schema: { querystring: query('saneConfigDir') } }, async (req, reply) => {
    try {
      return { scanners: await discoverScanners(req.query.saneConfigDir ?? '') };
    } catch (err) {
      if (err instanceof ProvisionError) return refuse(reply, err);
      throw err;
    }
  });

  for (const action of ['validate', 'apply'] as const) {
    app.post<{ Params: StepParams; Body: unknown }>(`/api/provision/:step/${action}`, { ...route, schema: { params: stepParams, body: stepBody } }, async (req, reply) => {
      const step = stepOf(req);
      if (!step) return reply.code(404).send({ ok: false, error: { code: 'request.invalid', message: `Không có bước "${req.params.step}" (các bước: ${STEP_NAMES.join(', ')}).` } });
      try {
        const { current, outcome } = await check(step, req.body);
        if (action === 'validate') return { ok: true, step, shown: outcome.shown, warnings: outcome.warnings };
        const written = await writeAll(opts.configFile, current, [outcome], { allParts: false });
        return { ok: written.files.length > 0 && written.problems.length === 0, step, shown: outcome.shown, warnings: outcome.warnings, written: written.files, accounts: written.accounts, problems: written.problems.map((p) => p.message) };
      } catch (err) {
        if (err instanceof ProvisionError) return refuse(reply, err);
        throw err;
      }
    });
  }

  app.post<{ Body: { pin?: string } | undefined }>('/api/provision/selftest', { ...route, schema: { body: selftestBody } }, async (req) => {
    const pin = typeof req.body?.pin === 'string' ? req.body.pin : undefined;
    return runSelftest(opts.configFile, { interactive: false, timeoutMs: 300_000, env: { ...process.env, ...(pin ? { SOHOA_TOKEN_PIN: pin } : {}) } });
  });
}
