import { describe, expect, it } from 'vitest';
import { type RulesState, stepTrack, type TrackState } from '../../../../services/rules/index.ts';
import { at, context, evaluate, healthyValues, reading, series, summary } from './rules-fixtures.ts';

const timing = { triggerS: 60, clearS: 60 };
const GAP = 300_000;
const ACTIVE = { active: true, clearable: false };
const CLEAR = { active: false, clearable: true };
const BAND = { active: false, clearable: false };

/** Run a sequence of (seconds, condition) through stepTrack; return the final track and the events. */
function drive(steps: [number, { active: boolean; clearable: boolean; since?: number }][], start?: TrackState) {
  let track = start;
  const events: string[] = [];
  for (const [s, cond] of steps) {
    const r = stepTrack(track, cond, s * 1000, timing, GAP);
    track = r.track;
    if (r.event) events.push(`${r.event.type}@${r.event.at / 1000}`);
  }
  return { track, events };
}

describe('stepTrack: normal → pending → active → clearing → normal', () => {
  it('activates when the condition has held for exactly the trigger delay, at since + delay', () => {
    expect(
      drive([
        [0, ACTIVE],
        [15, ACTIVE],
        [30, ACTIVE],
        [45, ACTIVE],
      ]).events,
    ).toEqual([]);
    const { track, events } = drive([
      [0, ACTIVE],
      [30, ACTIVE],
      [60, ACTIVE],
    ]);
    expect(events).toEqual(['activated@60']);
    expect(track).toMatchObject({ status: 'active', activatedAt: 60_000 });
  });

  it('abandons a pending condition that lapses, and restarts the delay from the next occurrence', () => {
    const { events, track } = drive([
      [0, ACTIVE],
      [45, BAND],
      [50, ACTIVE],
      [100, ACTIVE],
    ]);
    expect(events).toEqual([]);
    expect(track).toMatchObject({ status: 'pending', since: 50_000 });
  });

  it('uses a window condition’s `since` as the start of the delay', () => {
    expect(drive([[100, { ...ACTIVE, since: 40_000 }]]).events).toEqual(['activated@100']);
  });

  it('clears only after the recovery held for the clear delay; the hysteresis band sends it back to active', () => {
    const open = drive([
      [0, ACTIVE],
      [60, ACTIVE],
    ]).track;
    const { events, track } = drive(
      [
        [75, CLEAR],
        [120, BAND],
        [130, CLEAR],
        [180, CLEAR],
      ],
      open,
    );
    expect(events).toEqual([]);
    expect(track).toMatchObject({ status: 'clearing', since: 130_000 });
    expect(drive([[190, CLEAR]], track).events).toEqual(['deactivated@190']);
  });

  it('treats a gap longer than the continuity limit as a break: pending restarts at the next observation', () => {
    const { track } = drive([
      [0, ACTIVE],
      [400, ACTIVE],
    ]);
    expect(track).toMatchObject({ status: 'pending', since: 400_000 });
  });
});

describe('alert discipline through evaluateReadings', () => {
  const brokenB = () => healthyValues({ voltageBV: 20, currentBA: 0 });

  it('does not open when the condition has held for 45 s only', () => {
    const rs = series(0, 60, 15, brokenB);
    expect(evaluate(rs).transitions).toEqual([]);
  });

  it('opens exactly one alert for a phase break flapping around 60 % Un', () => {
    // 60 s below, then alternating 59 % / 61 % every 15 s for 10 minutes: a 61 % reading is
    // clearable but the clear delay (60 s) is never reached
    const rs = [
      ...series(0, 75, 15, brokenB),
      ...series(75, 675, 15, (s) => healthyValues({ voltageBV: (s / 15) % 2 === 0 ? 129.8 : 134.2, currentBA: 0 })),
    ];
    const kinds = evaluate(rs).transitions.filter((t) => t.kind === 'phase_break');
    expect(summary(kinds)).toEqual(['open phase_break/B @60s']);
  });

  it('keeps one open alert per meter and kind when a second phase breaks, and clears when both recover', () => {
    const rs = [
      ...series(0, 60, 15, brokenB),
      ...series(60, 240, 15, () => healthyValues({ voltageBV: 20, currentBA: 0, voltageCV: 10, currentCA: 0 })),
      ...series(240, 300, 15, () => healthyValues({ voltageCV: 10, currentCA: 0 })),
      ...series(300, 420, 15, () => healthyValues()),
    ];
    const { transitions, state } = evaluate(rs);
    const pb = transitions.filter((t) => t.kind === 'phase_break');
    expect(summary(pb)).toEqual(['open phase_break/B @60s', 'clear phase_break/B @360s']);
    expect(pb[1]!.evidence.channels).toEqual(['B', 'C']);
    expect(pb[0]!.alertKey).toBe(pb[1]!.alertKey);
    expect(state.meters['1']!.open).toEqual({});
  });

  it('records the triggering values and limits as evidence', () => {
    const { transitions } = evaluate(series(0, 75, 15, brokenB));
    expect(transitions[0]!.evidence).toMatchObject({
      channel: 'B',
      measured: 9.090909, // 20 V of 220 V
      limit: 60,
      recoveryLimit: 60,
      unit: '% Un',
      delayS: 60,
      conditionSince: at(0).toISOString(),
      reading: { ts: at(60).toISOString() },
    });
  });

  it('ignores a reading older than the last processed one, and a duplicate timestamp, deterministically', () => {
    const first = evaluate(series(0, 75, 15, brokenB));
    const late = [reading(30, healthyValues()), reading(60, healthyValues()), reading(75, brokenB())];
    const second = evaluate(late, context(), undefined, first.state, at(75));
    expect(second.ignored.map((i) => [i.reason, (i.ts.getTime() - at(0).getTime()) / 1000])).toEqual([
      ['out_of_order', 30],
      ['duplicate', 60],
    ]);
    expect(second.transitions).toEqual([]);
    expect(second.state.meters['1']!.lastTs).toBe(at(75).getTime());
  });

  it('processes a shuffled batch in timestamp order: same result as the sorted batch', () => {
    const rs = [...series(0, 120, 15, brokenB), ...series(120, 300, 15, () => healthyValues())];
    const shuffled = [rs[3]!, rs[0]!, rs[7]!, rs[1]!, ...rs.slice(8).reverse(), rs[2]!, rs[4]!, rs[6]!, rs[5]!];
    expect(evaluate(shuffled).transitions).toEqual(evaluate(rs).transitions);
  });

  it('ignores readings stamped more than 5 minutes after the evaluation time (meter clock ahead)', () => {
    const r = evaluate(
      [reading(0, healthyValues()), reading(301, healthyValues())],
      context(),
      undefined,
      undefined,
      at(0),
    );
    expect(r.ignored).toEqual([{ meterId: 1, ts: at(301), reason: 'future' }]);
    expect(r.state.meters['1']!.lastTs).toBe(at(0).getTime());
  });

  it('ignores readings of meters it has no context for', () => {
    const r = evaluate([reading(0, healthyValues(), 99)]);
    expect(r.ignored).toEqual([{ meterId: 99, ts: at(0), reason: 'unknown_meter' }]);
  });

  it('does not modify the state passed in', () => {
    const first = evaluate(series(0, 30, 15, brokenB));
    const snapshot = JSON.stringify(first.state);
    evaluate(series(30, 120, 15, brokenB), context(), undefined, first.state);
    expect(JSON.stringify(first.state)).toBe(snapshot);
  });
});

describe('checkpoint and resume (state through JSON.stringify / JSON.parse)', () => {
  const brokenB = () => healthyValues({ voltageBV: 20, currentBA: 0 });
  const all = [
    ...series(0, 150, 15, brokenB), // opens at 60
    ...series(150, 300, 15, () => healthyValues()), // clears at 210
  ];
  const once = evaluate(all).transitions;

  it('gives the same transitions as one run, for every split point, with no duplicate and no missed clear', () => {
    expect(summary(once)).toEqual(['open phase_break/B @60s', 'clear phase_break/B @210s']);
    for (let split = 1; split < all.length; split++) {
      const a = evaluate(all.slice(0, split));
      const restored = JSON.parse(JSON.stringify(a.state)) as RulesState;
      const b = evaluate(all.slice(split), context(), undefined, restored);
      expect([...a.transitions, ...b.transitions], `split at ${split}`).toEqual(once);
    }
  });

  it('resumes mid-fault (pending and open) and replaying the already-processed batch changes nothing', () => {
    const a = evaluate(all.slice(0, 7)); // open at 60, still broken at 90
    expect(a.state.meters['1']!.open.phase_break).toMatchObject({ phase: 'B', openedAt: at(60).getTime() });
    const restored = JSON.parse(JSON.stringify(a.state)) as RulesState;
    const replay = evaluate(all.slice(0, 7), context(), undefined, restored, at(90));
    expect(replay.transitions).toEqual([]);
    expect(replay.ignored).toHaveLength(7);
  });
});
