import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES_CONFIG,
  EMPTY_STALE_MEMORY,
  evaluateReadings,
  evaluateReversePower,
  evaluateStaleValues,
  INITIAL_RULES_STATE,
  resolveMeterContext,
} from '../../../../services/rules/index.ts';
import { at, context, evaluate, healthyValues, reading, resolved, series, summary } from './rules-fixtures.ts';

const cfg = DEFAULT_RULES_CONFIG;

describe('reverse power (domain.md §4): P < 0 and |P| > 0.5 % of base power', () => {
  // base power √3 × 380 V × 100 A = 65.818 kW; 0.5 % = 0.32909 kW total, 0.10970 kW per phase
  const ctx = resolved();
  const total = (kw: number) => evaluateReversePower(reading(0, { powerKw: kw }), ctx, cfg)[0]!;

  it('trips just beyond 0.5 % of base power, not at it', () => {
    expect(total(-0.33)).toMatchObject({ active: true, channel: 'total' });
    expect(total(-0.329).active).toBe(false);
  });

  it('recovers at −0.25 % of base power (−0.1645 kW)', () => {
    expect(total(-0.164).clearable).toBe(true);
    expect(total(-0.2)).toMatchObject({ active: false, clearable: false });
  });

  it('judges each phase of a four-wire meter against the phase base power', () => {
    const r = evaluateReversePower(reading(0, { powerKw: 10, powerAKw: 5, powerBKw: 5.5, powerCKw: -0.11 }), ctx, cfg);
    expect(r.filter((x) => x.active).map((x) => x.channel)).toEqual(['C']);
  });

  it('is not evaluated for accounts with generation that may export', () => {
    expect(evaluateReversePower(reading(0, { powerKw: -500 }), resolved({ expectsExport: true }), cfg)).toEqual([]);
  });

  it('derives Ib from rated kW when not configured, and says so', () => {
    const c = resolveMeterContext(context({ basicCurrentA: undefined, ratedKw: 658.18 }), cfg);
    expect(c.basicCurrentSource).toBe('rated_kw');
    expect(c.basicCurrentA).toBeCloseTo(1000, 1); // 658.18 kW / (√3 × 380 V)
    expect(resolveMeterContext(context({ basicCurrentA: undefined }), cfg).basicCurrentSource).toBe('contracted_kva');
  });
});

describe('stale / frozen values', () => {
  it('opens when every instantaneous value stays identical for 15 minutes on a meter that normally varies', () => {
    const rs = [
      reading(0, healthyValues({ voltageAV: 222 })),
      ...series(60, 60 + 960, 60, () => healthyValues()), // identical from 60 s
    ];
    const t = evaluate(rs).transitions.filter((x) => x.kind === 'stale_values');
    expect(summary(t)).toEqual(['open stale_values @960s']);
  });

  it('does not flag a meter that has never varied yet (first readings)', () => {
    const rs = series(0, 1200, 60, () => healthyValues());
    expect(evaluate(rs).transitions.filter((x) => x.kind === 'stale_values')).toEqual([]);
  });

  it('clears at the first changed reading', () => {
    const rs = [
      reading(0, healthyValues({ voltageAV: 222 })),
      ...series(60, 1020, 60, () => healthyValues()),
      reading(1020, healthyValues({ voltageAV: 223 })),
    ];
    const t = evaluate(rs).transitions.filter((x) => x.kind === 'stale_values');
    expect(summary(t)).toEqual(['open stale_values @960s', 'clear stale_values @1020s']);
  });

  it('flags an import counter frozen while power is drawn, but not while power is zero', () => {
    const ctx = resolved();
    let mem = EMPTY_STALE_MEMORY;
    const step = (s: number, powerKw: number, importKwh: number) => {
      const r = evaluateStaleValues(reading(s, { powerKw: powerKw + s / 1e6, importKwh }), mem, ctx, cfg);
      mem = r.memory;
      return r.results[0]!;
    };
    step(0, 300, 100);
    expect(step(60, 300, 100)).toMatchObject({ active: true, since: at(0).getTime() });
    expect(step(120, 300, 100.1).active).toBe(false);
    step(180, 0, 100.1);
    expect(step(240, 0, 100.1).active).toBe(false);
  });
});

describe('communication lost: no reading for max(4 × poll interval, 5 min), judged at the evaluation time', () => {
  const ctx = context(); // poll 15 s → timeout 300 s
  const meters = new Map([[1, ctx]]);

  it('opens at last seen + 300 s when the evaluation time has passed it, not one second earlier', () => {
    const first = evaluateReadings(INITIAL_RULES_STATE, [reading(0, healthyValues())], meters, cfg, at(0));
    expect(evaluateReadings(first.state, [], meters, cfg, at(299)).transitions).toEqual([]);
    const late = evaluateReadings(first.state, [], meters, cfg, at(300));
    expect(summary(late.transitions)).toEqual(['open communication_lost @300s']);
    expect(late.transitions[0]!.evidence).toMatchObject({ lastSeenAt: at(0).toISOString(), timeoutS: 300 });
    // evaluating again later does not open a second one
    expect(evaluateReadings(late.state, [], meters, cfg, at(900)).transitions).toEqual([]);
  });

  it('clears at the next reading', () => {
    const first = evaluateReadings(INITIAL_RULES_STATE, [reading(0, healthyValues())], meters, cfg, at(0));
    const lost = evaluateReadings(first.state, [], meters, cfg, at(600));
    const back = evaluateReadings(lost.state, [reading(620, healthyValues())], meters, cfg, at(630));
    expect(summary(back.transitions)).toEqual(['clear communication_lost @620s']);
    expect(back.transitions[0]!.alertKey).toBe(lost.transitions[0]!.alertKey);
  });

  it('reports a gap inside one batch as an outage opened and cleared, the same as when evaluated live', () => {
    const batch = [reading(0, healthyValues()), reading(700, healthyValues())];
    const t = evaluateReadings(INITIAL_RULES_STATE, batch, meters, cfg, at(700)).transitions;
    expect(summary(t)).toEqual(['open communication_lost @300s', 'clear communication_lost @700s']);
  });

  it('uses the longer of 4 polls and 5 minutes: a 300 s poll interval gives 1200 s', () => {
    const slow = new Map([[1, context({ pollIntervalS: 300 })]]);
    const first = evaluateReadings(INITIAL_RULES_STATE, [reading(0, healthyValues())], slow, cfg, at(0));
    expect(evaluateReadings(first.state, [], slow, cfg, at(1199)).transitions).toEqual([]);
    expect(evaluateReadings(first.state, [], slow, cfg, at(1200)).transitions).toHaveLength(1);
  });

  it('counts a meter that never reported from its first evaluation', () => {
    const first = evaluateReadings(INITIAL_RULES_STATE, [], meters, cfg, at(0));
    const t = evaluateReadings(first.state, [], meters, cfg, at(400)).transitions;
    expect(t[0]).toMatchObject({ kind: 'communication_lost', at: at(300), evidence: { neverSeen: true } });
  });

  it('breaks "held continuously" across a gap: a fault seen before and after an outage starts its delay again', () => {
    const broken = () => healthyValues({ voltageBV: 20, currentBA: 0 });
    const rs = [reading(0, broken()), reading(30, broken()), reading(700, broken()), reading(730, broken())];
    const t = evaluate(rs).transitions.filter((x) => x.kind === 'phase_break');
    expect(t).toEqual([]);
  });
});
