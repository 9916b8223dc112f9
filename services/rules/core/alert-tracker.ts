import type { AlertTransition, Reading } from '../../../lib/domain/index.ts';
export type { AlertTransition } from '../../../lib/domain/index.ts';
import {
  type AlertKind,
  type Channel,
  type ConditionResult,
  type Phase,
  phaseOfChannel,
  type Severity,
} from './alert-kinds.ts';
import type { EnergyBlockMemory } from './energy-blocks.ts';
import type { RulesConfig } from './rules-config.ts';
import type { StaleMemory } from './stale-values.rule.ts';

// The alert discipline as a pure state machine, driven by reading timestamps, never the clock.
//
// Per (meter, kind, channel) a *track*:   normal → pending(since) → active → clearing(since) → normal
//   normal   + active             → pending(since = condition.since ?? reading time)
//   pending  + active, held ≥ trigger delay → active   ("activated" at since + delay)
//   pending  + not active         → normal           (must hold continuously)
//   active   + clearable          → clearing(since)
//   clearing + clearable, held ≥ clear delay → normal ("deactivated" at since + delay)
//   clearing + not clearable      → active           (the hysteresis band keeps an alert open)
// A gap between two observations of a track longer than the meter's communication timeout
// breaks continuity: a pending track starts again, a clearing track goes back to active.
//
// Per (meter, kind) an *alert* (the database allows one open alert per meter and kind,
// migrations/004): it opens when the first track of the kind becomes active and clears when no
// track of the kind is active or clearing. Tracks of other channels that become active meanwhile
// join the open alert (listed in `channels`); they never open a second one.
//
// Everything here is plain JSON (epoch-ms numbers, no Dates, no Maps) so the state can be
// checkpointed with JSON.stringify and resumed with JSON.parse.

export type TrackState =
  | { status: 'pending'; since: number; lastObsAt: number }
  | { status: 'active'; activatedAt: number; lastObsAt: number }
  | { status: 'clearing'; activatedAt: number; since: number; lastObsAt: number };

export interface OpenAlert {
  kind: AlertKind;
  phase: Phase | null;
  /** channels whose tracks have been active during this alert */
  channels: Channel[];
  openedAt: number;
  severity: Severity;
  /** stable identity of this alert: `${meterId}:${kind}:${openedAt ISO}` */
  alertKey: string;
}

export interface MeterRulesState {
  /** timestamp of the last processed reading (epoch ms); older or equal readings are ignored */
  lastTs: number | null;
  /** evaluation time at which the meter was first known; "last seen" until it reports */
  watchSince: number;
  /** non-normal tracks by `${kind}/${channel}`; a track in state normal is absent */
  tracks: Record<string, TrackState>;
  /** open alerts by kind */
  open: Partial<Record<AlertKind, OpenAlert>>;
  energy: EnergyBlockMemory;
  stale: StaleMemory;
}

export interface TrackEvent {
  type: 'activated' | 'deactivated';
  at: number;
}

export interface TrackTiming {
  triggerS: number;
  clearS: number;
}

/** One observation of one track. Pure: returns the next track state and what happened. */
export function stepTrack(
  track: TrackState | undefined,
  cond: Pick<ConditionResult, 'active' | 'clearable' | 'since'>,
  ts: number,
  timing: TrackTiming,
  continuityGapMs: number,
): { track: TrackState | undefined; event?: TrackEvent } {
  const triggerMs = timing.triggerS * 1000;
  const clearMs = timing.clearS * 1000;
  let t = track;
  if (t && ts - t.lastObsAt > continuityGapMs) {
    if (t.status === 'pending') t = undefined;
    else if (t.status === 'clearing') t = { status: 'active', activatedAt: t.activatedAt, lastObsAt: t.lastObsAt };
  }

  if (t === undefined) {
    if (!cond.active) return { track: undefined };
    const since = Math.min(cond.since ?? ts, ts);
    if (ts - since >= triggerMs) {
      const at = since + triggerMs;
      return { track: { status: 'active', activatedAt: at, lastObsAt: ts }, event: { type: 'activated', at } };
    }
    return { track: { status: 'pending', since, lastObsAt: ts } };
  }

  switch (t.status) {
    case 'pending': {
      if (!cond.active) return { track: undefined };
      if (ts - t.since >= triggerMs) {
        const at = t.since + triggerMs;
        return { track: { status: 'active', activatedAt: at, lastObsAt: ts }, event: { type: 'activated', at } };
      }
      return { track: { ...t, lastObsAt: ts } };
    }
    case 'active': {
      if (!cond.clearable) return { track: { ...t, lastObsAt: ts } };
      const since = Math.max(Math.min(cond.since ?? ts, ts), t.activatedAt);
      if (ts - since >= clearMs) return { track: undefined, event: { type: 'deactivated', at: since + clearMs } };
      return { track: { status: 'clearing', activatedAt: t.activatedAt, since, lastObsAt: ts } };
    }
    case 'clearing': {
      if (!cond.clearable) return { track: { status: 'active', activatedAt: t.activatedAt, lastObsAt: ts } };
      if (ts - t.since >= clearMs) return { track: undefined, event: { type: 'deactivated', at: t.since + clearMs } };
      return { track: { ...t, lastObsAt: ts } };
    }
  }
}

export interface TrackerEnv {
  meterId: number;
  accountId: number;
  tier: 'A' | 'B' | 'C' | 'potential' | 'none';
  config: RulesConfig;
  /** a longer gap between observations breaks "held continuously" (the communication timeout) */
  continuityGapMs: number;
}

export function severityFor(kind: AlertKind, tier: TrackerEnv['tier'], config: RulesConfig): Severity {
  const row = config.severity[kind];
  return tier === 'A' ? row.A : tier === 'B' ? row.B : row.C;
}

const iso = (ms: number) => new Date(ms).toISOString();
export const trackKey = (kind: AlertKind, channel: Channel) => `${kind}/${channel}`;

function conditionEvidence(c: ConditionResult) {
  return {
    channel: c.channel,
    measured: c.measured,
    limit: c.limit,
    recoveryLimit: c.recoveryLimit,
    unit: c.unit,
    ...(c.details ? { details: c.details } : {}),
  };
}

/**
 * Feed one observation (the conditions evaluated on one reading) into a meter's state, which is
 * mutated. Returns the alert transitions, opens before clears within a kind being impossible:
 * a kind is reconciled once, after all its channels have been stepped.
 */
export function applyConditions(
  meter: MeterRulesState,
  conditions: readonly ConditionResult[],
  reading: Reading,
  env: TrackerEnv,
): AlertTransition[] {
  const ts = reading.ts.getTime();
  const perKind = new Map<
    AlertKind,
    {
      activated: { at: number; cond: ConditionResult }[];
      deactivated: { at: number; cond: ConditionResult }[];
      last: ConditionResult[];
    }
  >();
  for (const cond of conditions) {
    const key = trackKey(cond.kind, cond.channel);
    const { track, event } = stepTrack(
      meter.tracks[key],
      cond,
      ts,
      env.config.durations[cond.kind as keyof RulesConfig['durations']],
      env.continuityGapMs,
    );
    if (track) meter.tracks[key] = track;
    else delete meter.tracks[key];
    let k = perKind.get(cond.kind);
    if (!k) perKind.set(cond.kind, (k = { activated: [], deactivated: [], last: [] }));
    k.last.push(cond);
    if (event?.type === 'activated') k.activated.push({ at: event.at, cond });
    if (event?.type === 'deactivated') k.deactivated.push({ at: event.at, cond });
  }

  const out: AlertTransition[] = [];
  for (const [kind, k] of perKind) {
    const activeChannels = Object.entries(meter.tracks)
      .filter(([key, t]) => key.startsWith(`${kind}/`) && t.status !== 'pending')
      .map(([key]) => key.slice(kind.length + 1) as Channel);
    const alert = meter.open[kind];
    if (activeChannels.length > 0) {
      if (!alert && k.activated.length > 0) {
        const first = k.activated.reduce((a, b) => (b.at < a.at ? b : a));
        const withPhase = k.activated.find((a) => phaseOfChannel(a.cond.channel) !== null) ?? first;
        const openedAt = first.at;
        const severity = severityFor(kind, env.tier, env.config);
        const alertKey = `${env.meterId}:${kind}:${iso(openedAt)}`;
        const phase = phaseOfChannel(withPhase.cond.channel);
        meter.open[kind] = { kind, phase, channels: activeChannels, openedAt, severity, alertKey };
        out.push({
          type: 'open',
          meterId: env.meterId,
          accountId: env.accountId,
          kind,
          phase,
          at: new Date(openedAt),
          severity,
          alertKey,
          evidence: {
            ...conditionEvidence(withPhase.cond),
            channels: activeChannels,
            conditionSince: iso(
              openedAt - env.config.durations[kind as keyof RulesConfig['durations']].triggerS * 1000,
            ),
            delayS: env.config.durations[kind as keyof RulesConfig['durations']].triggerS,
            reading: { ts: reading.ts.toISOString(), values: reading.values, quality: reading.quality },
          },
        });
      } else if (alert) {
        for (const ch of activeChannels) if (!alert.channels.includes(ch)) alert.channels.push(ch);
      }
    } else if (alert) {
      const lastAt = k.deactivated.length > 0 ? Math.max(...k.deactivated.map((d) => d.at)) : ts;
      const at = Math.max(lastAt, alert.openedAt);
      const cond = k.deactivated.find((d) => d.at === lastAt)?.cond ?? k.last[0]!;
      delete meter.open[kind];
      out.push({
        type: 'clear',
        meterId: env.meterId,
        accountId: env.accountId,
        kind,
        phase: alert.phase,
        at: new Date(at),
        severity: alert.severity,
        alertKey: alert.alertKey,
        evidence: {
          ...conditionEvidence(cond),
          channels: alert.channels,
          openedAt: iso(alert.openedAt),
          delayS: env.config.durations[kind as keyof RulesConfig['durations']].clearS,
          reading: { ts: reading.ts.toISOString(), values: reading.values, quality: reading.quality },
        },
      });
    }
  }
  return out;
}
