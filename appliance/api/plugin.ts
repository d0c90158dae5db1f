import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { AccountsPort } from '../accounts/types.js';
import type { EventBus } from '../events.js';
import type { Desk } from '../pipeline/desk.js';
import type { Notice } from '../store/quarantine.js';
import type { ProfileInfo } from '../config/profiles.js';
import { projectPath } from '../config/paths.js';
import { replyWithError } from './http-errors.js';
import { jobRoutes } from './routes-jobs.js';
import { outgoingRoutes } from './routes-outgoing.js';
import { monitoringRoutes, type MonitoringOptions } from './routes-monitoring.js';
import { documentRoutes } from './routes-documents.js';
import { registerRoutes, type RegisterRoutesOptions } from './routes-register.js';
import { tokenRoutes } from './routes-token.js';
import { submitRoutes, type SubmitPort } from './routes-submit.js';
import { receiveRoutes, type ReceivePort } from './routes-receive.js';
import { eventsRelay } from './events-relay.js';
import { sessionAuth } from './session-auth.js';
import { sessionRoutes } from './routes-session.js';
import { accountRoutes } from './routes-accounts.js';
import { queueRoutes, type QueueRoutesDeps } from './routes-queue.js';
import { scannerRoutes, type ScannerRoutesDeps } from './routes-scanner.js';
import { optionalSession, publicTokenState } from './public-view.js';
import { serveUi } from './static-ui.js';

// The front desk's HTTP boundary: JSON commands and views over the Desk, events over WebSocket,
// and the touchscreen app. It depends on the Desk interface and the EventBus only.
//
//   GET  /api/status                    version, token state (public part without a session), profile + demoParts, optional health, notices (open)
//   GET  /api/users                     the login picker's names (open)
//   POST /api/session                   {name, pin} → {token, name, role, expiresAt} (open)
//   GET  /api/session; POST /api/session/refresh; DELETE /api/session   who am I / still here / logout
//   GET  /api/profiles                  {profiles: CaptureProfile[]}: the scan screen's buttons, first = default
//   POST /api/scan                      {profile?, source?, mode?, dpi?} → JobView (a batch profile starts a batch)
//   GET  /api/scanner; POST /api/scanner/refresh (technician)   presence / discovery again (routes-scanner.ts)
//   GET  /api/jobs, /api/jobs/:id       JobView[] / JobView
//   GET  /api/jobs/:id/pages/:n.jpg     page preview (JPEG)
//   POST /api/batch                     {profile?, source?, mode?, dpi?} → JobView of the batch ("Quét cả tập")
//   POST /api/jobs/:id/next-document    {} → JobView of the batch ("Tài liệu tiếp theo" while it scans)
//   POST /api/jobs/:id/continue         {source?, mode?, dpi?} → JobView ("Quét tiếp")
//   POST /api/jobs/:id/merge            → JobView of the previous document it joined
//   POST /api/jobs/:id/discard          → {ok: true}
//   POST /api/jobs/:id/register         DocumentFields → DocumentView
//   GET  /api/documents, /:id, /:id/pdf[?part=k] DocumentView[] / DocumentView + pdfParts / signed PDF (part k)
//   POST /api/submit                    {key, files[{name, data}], fields?} → DocumentView + {jobId, submissionKey} (sohoa submit)
//   GET  /api/receive/media; POST /api/receive/media {path}; POST /api/receive (raw PDF/edXML)   received electronic documents → JobView (routes-receive.ts)
//   POST /api/documents/:id/confirm-secret → DocumentView
//   POST /api/documents/:id/retry       → DocumentView ("Ký lại" / "Gửi lại" a failed document)
//   POST /api/documents/:id/send-now    → DocumentView ("Gửi lại ngay": the queue tries now)
//   GET  /api/register[.csv|.pdf], /api/register/duplicates   the register book, duplicate check (routes-register.ts)
//   GET  /api/token (open: public part without a session); POST /api/token/unlock {pin}, /api/token/lock → TokenState
//   GET/POST /api/accounts, DELETE /api/accounts/:name, POST /api/accounts/:name/pin   technician only
//   GET  /api/queue; POST /api/queue/:docId/retry|hold|release (technician); GET …/package, …/pdf (technician)   routes-queue.ts
//   GET  /api/events                    WebSocket, same Origin: {event, data}; jobs/documents only with a live session
//   GET  /metrics, /healthz             Prometheus text / health of each part: monitoring.allow only (routes-monitoring.ts)
//   /api/provision/*                    technician only: each set-up step's validate + apply (provisioning/routes.ts)
// Every other GET needs a session (Bearer or the session cookie); every POST/DELETE but the login
// needs `Authorization: Bearer <token>`, and its actor is the session's person (session-auth.ts).
// Technician-only routes say so with requireRole('technician') (require-role.ts): 403 session.forbidden.
// Errors: {error: ErrorInfo}; 401 session.required / session.expired when not logged in.

export interface HealthItem {
  ok: boolean;
  /** Plain Vietnamese, shown as is. */
  message: string;
}

export interface ApiOptions {
  desk: Desk;
  bus: EventBus;
  /** Who may act: logins, sessions (appliance/accounts). */
  accounts: AccountsPort;
  /** Folder of the built UI; default `dist/ui` of the project. */
  uiDir?: string;
  /** Optional device/central health for `GET /api/status` (e.g. scanner, central). */
  health?: () => Promise<Record<string, HealthItem>>;
  /** `GET /metrics` and `GET /healthz` for the fleet's monitoring, when given. */
  monitoring?: MonitoringOptions;
  /** What the desk must show until a person deals with it (state files set aside). */
  notices?: () => Promise<Notice[]>;
  /** Demo or device profile, and the demo parts in use: the UI shows a "THỬ NGHIỆM" banner. */
  profile?: ProfileInfo;
  /** The register book and the duplicate check (routes-register.ts), when given. */
  register?: RegisterRoutesOptions;
  /** `sohoa submit`'s POST /api/submit (routes-submit.ts), when given. */
  submit?: SubmitPort;
  /** The scanner's presence and the technician's re-discovery (routes-scanner.ts). */
  scanners?: ScannerRoutesDeps;
  /** Received electronic documents (routes-receive.ts), when given, with the largest file taken. */
  receive?: { port: ReceivePort; maxBytes: number };
  /** Technician mode: registers /api/provision/* (appliance/provisioning/routes.ts) behind its guard. */
  provision?: (app: FastifyInstance) => void;
  /** The upload queue's view and the technician's retry/hold/release/export (routes-queue.ts). */
  queue?: QueueRoutesDeps;
}

const VERSION = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;

export async function apiPlugin(app: FastifyInstance, opts: ApiOptions): Promise<void> {
  const { desk, bus, accounts } = opts;
  app.setErrorHandler((err, req, reply) => replyWithError(err, req, reply));
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
  sessionAuth(app, accounts);

  app.get('/api/status', { config: { access: 'open' } }, async (req) => ({
    version: VERSION,
    time: new Date().toISOString(),
    token: (await optionalSession(req, accounts)) ? desk.tokenState() : publicTokenState(desk.tokenState()),
    profile: opts.profile?.profile ?? 'device',
    demoParts: opts.profile?.demoParts ?? [],
    health: opts.health ? await opts.health() : {},
    notices: opts.notices ? await opts.notices() : [],
  }));
  sessionRoutes(app, accounts);
  accountRoutes(app, accounts);
  jobRoutes(app, desk);
  outgoingRoutes(app, desk);
  documentRoutes(app, desk);
  if (opts.register) registerRoutes(app, opts.register);
  if (opts.queue) queueRoutes(app, opts.queue);
  if (opts.scanners) scannerRoutes(app, opts.scanners);
  if (opts.submit) submitRoutes(app, opts.submit);
  if (opts.receive) receiveRoutes(app, opts.receive.port, opts.receive.maxBytes);
  tokenRoutes(app, desk, accounts);
  eventsRelay(app, bus, desk, accounts);
  if (opts.monitoring) await app.register(monitoringRoutes, opts.monitoring);
  opts.provision?.(app);
  await serveUi(app, opts.uiDir ?? projectPath('dist', 'ui'));
}
