import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  DEFAULT_RULES_CONFIG,
  parseMeterRuleContext,
  resolveMeterContext,
  selectVoltageLimits,
} from '../../rules/index.ts';
import { requireVisible, scopeOfRequest } from '../access.ts';
import { ALL_ROLES } from '../auth/roles.ts';
import { type ApiContext, DAY_MS, localDayStart } from '../context.ts';
import { fleetLive, getAccount, listAccounts } from '../repositories/account-repository.ts';
import {
  accountCurve,
  accountLoad15m,
  chooseResolution,
  type Curve,
  energyByTou,
  MAX_SPAN_MS,
  meterCurve,
  meterIdsOfAccount,
  rawReadingsPage,
  RESOLUTIONS,
  BUCKET_MS,
  type Resolution,
} from '../repositories/load-curve-repository.ts';
import { getMeterContext, listMeters } from '../repositories/meter-repository.ts';
import { ApiError } from '../errors.ts';
import { cursor, decodeCursor, defineRoute, id, isoTime, limit, timeRange, toPage } from '../route.ts';
import { curveCsv } from '../csv.ts';

const curveQuery = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  resolution: z.enum(['auto', ...RESOLUTIONS]).default('auto'),
  format: z.enum(['json', 'csv']).default('json'),
});

export function registerFleetRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { db } = ctx;

  defineRoute(app, {
    method: 'GET',
    url: '/api/accounts',
    roles: ALL_ROLES,
    tags: ['accounts'],
    summary: 'Accounts the caller may see, with tier, qualification, manager and open alerts',
    query: z.object({
      limit: limit(500, 100),
      cursor,
      tier: z.enum(['A', 'B', 'C', 'potential', 'none']).optional(),
      keyOnly: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
    }),
    handler: async ({ query, request }) => {
      const after = decodeCursor(query.cursor, z.object({ id: z.number().int() }));
      const rows = await listAccounts(db, scopeOfRequest(request), {
        afterId: after?.id,
        limit: query.limit,
        tier: query.tier,
        keyOnly: query.keyOnly,
      });
      return toPage(rows, query.limit, (last) => ({ id: last.id }));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/accounts/:accountId',
    roles: ALL_ROLES,
    tags: ['accounts'],
    summary: 'One account with its meters (status, last seen, completeness today)',
    params: z.object({ accountId: id }),
    handler: async ({ params, request }) => {
      await requireVisible(db, request, 'account', params.accountId);
      const account = await getAccount(db, params.accountId);
      const now = ctx.now();
      const meters = await listMeters(db, scopeOfRequest(request), {
        accountId: params.accountId,
        limit: 1000,
        dayStart: localDayStart(now),
        now,
      });
      return { ...account, meters };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/fleet/overview',
    roles: ALL_ROLES,
    tags: ['accounts'],
    summary:
      "Live fleet view: each visible account's newest load per meter, today's and yesterday's 15-minute curve, open alerts",
    handler: async ({ request }) => {
      const now = ctx.now();
      const today = localDayStart(now);
      const yesterday = new Date(today.getTime() - DAY_MS);
      const accounts = await fleetLive(db, scopeOfRequest(request), new Date(now.getTime() - DAY_MS));
      const curves = await accountLoad15m(
        db,
        accounts.map((a) => a.id),
        yesterday,
        new Date(today.getTime() + DAY_MS),
      );
      const byAccount = new Map<number, typeof curves>();
      for (const p of curves) byAccount.set(p.accountId, [...(byAccount.get(p.accountId) ?? []), p]);
      return {
        generatedAt: now.toISOString(),
        today: today.toISOString(),
        yesterday: yesterday.toISOString(),
        accounts: accounts.map((a) => {
          const points = byAccount.get(a.id) ?? [];
          const todayPoints = points.filter((p) => Date.parse(p.ts) >= today.getTime());
          const loads = todayPoints.map((p) => p.powerKw);
          const live = a.meters.filter((m) => m.powerKw !== null && m.inAccountTotal);
          return {
            ...a,
            liveLoadKw: live.length > 0 ? live.reduce((s, m) => s + (m.powerKw ?? 0), 0) : null,
            todayMaxKw: loads.length > 0 ? Math.max(...loads) : null,
            todayMinKw: loads.length > 0 ? Math.min(...loads) : null,
            today: todayPoints.map((p) => ({ ts: p.ts, powerKw: p.powerKw })),
            yesterday: points
              .filter((p) => Date.parse(p.ts) < today.getTime())
              .map((p) => ({ ts: p.ts, powerKw: p.powerKw })),
          };
        }),
      };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/accounts/:accountId/load',
    roles: ALL_ROLES,
    tags: ['load curves'],
    summary: "An account's load curve (sum over its meters); JSON or CSV",
    description:
      'resolution=auto picks 1-minute buckets up to 12 h, the 15-minute curve up to 62 days, days beyond. ' +
      'Default range: the last 24 h. `format=csv` (or Accept: text/csv) answers a CSV download.',
    params: z.object({ accountId: id }),
    query: curveQuery,
    produces: ['application/json', 'text/csv'],
    handler: async ({ params, query, request, reply }) => {
      await requireVisible(db, request, 'account', params.accountId);
      if (query.resolution === 'raw') {
        throw new ApiError(
          'validation_failed',
          'resolution: raw readings are served per meter (/api/meters/:meterId/load)',
          {
            field: 'resolution',
          },
        );
      }
      const range = timeRange(query.from, query.to, { spanMs: DAY_MS, maxSpanMs: MAX_SPAN_MS['1d'], now: ctx.now() });
      const span = range.to.getTime() - range.from.getTime();
      const resolution = query.resolution === 'auto' ? chooseResolution(span, 'account') : query.resolution;
      checkSpan(resolution, span);
      if (resolution === 'raw') throw new Error('unreachable: account curves are never raw');
      range.from = alignToBucket(range.from, resolution);
      const curve = await accountCurve(
        db,
        await meterIdsOfAccount(db, params.accountId),
        resolution,
        range.from,
        range.to,
      );
      const { rows } = await db.query<{ code: string }>('SELECT code FROM accounts WHERE id = $1', [params.accountId]);
      return sendCurve(reply, request.headers.accept, query.format, curve, { subject: rows[0]!.code, ...range });
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/accounts/:accountId/energy-tou',
    roles: ALL_ROLES,
    tags: ['load curves'],
    summary: 'Energy by time-of-use period (peak/flat/valley) from 15-minute counter differences',
    params: z.object({ accountId: id }),
    query: z.object({ from: isoTime.optional(), to: isoTime.optional() }),
    handler: async ({ params, query, request }) => {
      await requireVisible(db, request, 'account', params.accountId);
      const now = ctx.now();
      const range = timeRange(query.from ?? localDayStart(now), query.to, {
        spanMs: DAY_MS,
        maxSpanMs: 366 * DAY_MS,
        now,
      });
      const periods = await energyByTou(db, await meterIdsOfAccount(db, params.accountId), range.from, range.to);
      return { from: range.from.toISOString(), to: range.to.toISOString(), periods };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/meters',
    roles: ALL_ROLES,
    tags: ['meters'],
    summary: 'Meters the caller may see: status, last seen, completeness today',
    query: z.object({ accountId: id.optional(), limit: limit(1000, 200), cursor }),
    handler: async ({ query, request }) => {
      const after = decodeCursor(query.cursor, z.object({ id: z.number().int() }));
      const now = ctx.now();
      const rows = await listMeters(db, scopeOfRequest(request), {
        accountId: query.accountId,
        afterId: after?.id,
        limit: query.limit,
        dayStart: localDayStart(now),
        now,
      });
      return toPage(rows, query.limit, (last) => ({ id: last.id }));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/meters/:meterId',
    roles: ALL_ROLES,
    tags: ['meters'],
    summary: 'One meter with status and its voltage limits (GB/T 12325, domain.md §2)',
    params: z.object({ meterId: id }),
    handler: async ({ params, request }) => {
      await requireVisible(db, request, 'meter', params.meterId);
      const now = ctx.now();
      const [meter] = await listMeters(db, scopeOfRequest(request), {
        meterId: params.meterId,
        limit: 1,
        dayStart: localDayStart(now),
        now,
      });
      return { ...meter!, voltageLimits: voltageLimitsOf(await getMeterContext(db, params.meterId)) };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/meters/:meterId/readings',
    roles: ALL_ROLES,
    tags: ['meters'],
    summary: 'Raw readings of a meter, oldest first, paginated (limit + cursor)',
    params: z.object({ meterId: id }),
    query: z.object({ from: isoTime.optional(), to: isoTime.optional(), limit: limit(5000, 500), cursor }),
    handler: async ({ params, query, request }) => {
      await requireVisible(db, request, 'meter', params.meterId);
      const range = timeRange(query.from, query.to, { spanMs: DAY_MS, maxSpanMs: 31 * DAY_MS, now: ctx.now() });
      const after = decodeCursor(query.cursor, z.object({ ts: z.iso.datetime() }));
      const rows = await rawReadingsPage(
        db,
        params.meterId,
        range.from,
        range.to,
        after ? new Date(after.ts) : undefined,
        query.limit,
      );
      return toPage(rows, query.limit, (last) => ({ ts: String(last.ts) }));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/meters/:meterId/load',
    roles: ALL_ROLES,
    tags: ['load curves'],
    summary: "A meter's load curve: raw, 1-minute, 15-minute or daily; JSON or CSV",
    description: 'resolution=auto: raw up to 2 h, 1-minute up to 12 h, 15-minute up to 62 days, daily beyond.',
    params: z.object({ meterId: id }),
    query: curveQuery,
    produces: ['application/json', 'text/csv'],
    handler: async ({ params, query, request, reply }) => {
      await requireVisible(db, request, 'meter', params.meterId);
      const range = timeRange(query.from, query.to, { spanMs: DAY_MS, maxSpanMs: MAX_SPAN_MS['1d'], now: ctx.now() });
      const span = range.to.getTime() - range.from.getTime();
      const resolution = query.resolution === 'auto' ? chooseResolution(span, 'meter') : query.resolution;
      checkSpan(resolution, span);
      range.from = alignToBucket(range.from, resolution);
      const curve = await meterCurve(db, params.meterId, resolution, range.from, range.to);
      const meter = await getMeterContext(db, params.meterId);
      return sendCurve(reply, request.headers.accept, query.format, curve, {
        subject: meter.code,
        ...range,
        voltageLimits: voltageLimitsOf(meter),
      });
    },
  });
}

/** The bucket containing `from`, so the first point is a whole bucket (days in China Standard Time). */
function alignToBucket(from: Date, resolution: Resolution): Date {
  if (resolution === 'raw') return from;
  if (resolution === '1d') return localDayStart(from);
  const size = BUCKET_MS[resolution];
  return new Date(Math.floor(from.getTime() / size) * size);
}

function checkSpan(resolution: keyof typeof MAX_SPAN_MS, spanMs: number): void {
  if (spanMs > MAX_SPAN_MS[resolution]) {
    const days = Math.round(MAX_SPAN_MS[resolution] / DAY_MS);
    throw new ApiError('validation_failed', `to: resolution ${resolution} serves at most ${days} days`, {
      field: 'to',
    });
  }
}

function sendCurve(
  reply: import('fastify').FastifyReply,
  accept: string | undefined,
  format: 'json' | 'csv',
  curve: Curve,
  meta: { subject: string; from: Date; to: Date; voltageLimits?: unknown },
) {
  const csv = format === 'csv' || (accept !== undefined && /^text\/csv\b/.test(accept));
  if (csv) {
    const stamp = (d: Date) =>
      d
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
    const filename = `${meta.subject}_${curve.resolution}_${stamp(meta.from)}_${stamp(meta.to)}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(curveCsv(curve));
  }
  return {
    subject: meta.subject,
    from: meta.from.toISOString(),
    to: meta.to.toISOString(),
    resolution: curve.resolution,
    columns: curve.columns,
    points: curve.points,
    ...(meta.voltageLimits ? { voltageLimits: meta.voltageLimits } : {}),
  };
}

/** Phase-voltage band for charts, from the rules' own limit selection (domain.md §2). */
export function voltageLimitsOf(m: Awaited<ReturnType<typeof getMeterContext>>) {
  const context = resolveMeterContext(
    parseMeterRuleContext({
      meterId: m.id,
      accountId: m.accountId,
      nominalVoltageV: m.nominalVoltageV,
      wiring: m.wiring,
      supplyVoltageKv: m.supplyVoltageKv,
      contractedCapacityKva: m.contractedCapacityKva,
      pfTarget: m.pfTarget,
      tier: m.tier,
      ...(m.voltageUpperPct != null && m.voltageLowerPct != null
        ? { voltageLimitsPct: { upper: m.voltageUpperPct, lower: m.voltageLowerPct } }
        : {}),
      ...(m.ratedKw != null ? { ratedKw: m.ratedKw } : {}),
      pollIntervalS: m.pollIntervalS,
    }),
    DEFAULT_RULES_CONFIG,
  );
  const limits = selectVoltageLimits(context, DEFAULT_RULES_CONFIG);
  const nominal = m.wiring === '3P3W' ? context.lineNominalV : context.phaseNominalV;
  return {
    method: limits.method,
    basis: m.wiring === '3P3W' ? 'line' : 'phase',
    nominalV: round2(nominal),
    upperV: round2(nominal * (1 + limits.upperPct / 100)),
    lowerV: round2(nominal * (1 - limits.lowerPct / 100)),
    upperPct: limits.upperPct,
    lowerPct: limits.lowerPct,
    ...(limits.sumPct !== undefined ? { sumPct: limits.sumPct } : {}),
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
