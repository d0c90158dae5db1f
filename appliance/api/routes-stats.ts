import type { FastifyInstance } from 'fastify';
import { registerStats, statsCsv, type RegisterStatsPort, type StatsBy, type StatsFilter } from '../register/stats.js';
import { statsPdf } from '../register/stats-pdf.js';
import { toVnIso } from '../register/vn-time.js';
import { invalidRequest } from './http-errors.js';

// The clerk's statistics from the register (Lào Cai art. 11.2b). Reading only; a session like any GET.
//   GET /api/register/stats?from=YYYY-MM-DD&to=YYYY-MM-DD&by=day|week|month|issuer   RegisterStats (JSON)
//   GET /api/register/stats.csv?…    the same table as CSV, UTF-8 with BOM (Excel)
//   GET /api/register/stats.pdf?…    printable, A4
// `by` defaults to day; the range is of arrival days (Vietnam), open-ended when absent.

export interface StatsRoutesOptions {
  stats: RegisterStatsPort;
  agencyName: string;
}

const DAY = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' } as const;
const statsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { from: DAY, to: DAY, by: { enum: ['day', 'week', 'month', 'issuer'] } },
} as const;

type Query = StatsFilter & { by?: StatsBy };

function checked(q: Query): StatsFilter {
  if (q.from && q.to && q.from > q.to) throw invalidRequest('Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.', `from ${q.from} > to ${q.to}`);
  return { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
}

const fileName = (q: Query, ext: string) => `thong-ke_${q.by ?? 'day'}_${q.from ?? 'dau'}_${q.to ?? 'nay'}.${ext}`;

export function statsRoutes(app: FastifyInstance, opts: StatsRoutesOptions): void {
  const compute = (q: Query) => {
    const f = checked(q);
    return registerStats(opts.stats.statsEntries(f), f, q.by ?? 'day');
  };

  app.get<{ Querystring: Query }>('/api/register/stats', { schema: { querystring: statsQuery } }, async (req) => compute(req.query));

  app.get<{ Querystring: Query }>('/api/register/stats.csv', { schema: { querystring: statsQuery } }, async (req, reply) => {
    const csv = statsCsv(await compute(req.query));
    return reply.type('text/csv; charset=utf-8').header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${fileName(req.query, 'csv')}"`).send(csv);
  });

  app.get<{ Querystring: Query }>('/api/register/stats.pdf', { schema: { querystring: statsQuery } }, async (req, reply) => {
    const pdf = await statsPdf(await compute(req.query), opts.agencyName, toVnIso(new Date()).slice(0, 16).replace('T', ' '));
    return reply.type('application/pdf').header('cache-control', 'no-store')
      .header('content-disposition', `inline; filename="${fileName(req.query, 'pdf')}"`).send(Buffer.from(pdf));
  });
}
