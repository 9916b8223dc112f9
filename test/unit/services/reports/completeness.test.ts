import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_ZONE_NAME, parseTimeZone } from '../../../../lib/domain/index.ts';
import { computeReadingCompleteness, type MeterReceipts } from '../../../../services/reports/core/index.ts';

const zone = parseTimeZone(DEFAULT_TIME_ZONE_NAME);
const Q = 900_000;
const local = (date: string, hh = 0, mm = 0) =>
  Date.parse(`${date}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`);
const dayWindow = { fromMs: local('2025-03-10'), toMs: local('2025-03-11') };
const every15 = (fromMs: number, toMs: number, skip: (i: number) => boolean = () => false) => {
  const out: number[] = [];
  for (let t = fromMs, i = 0; t < toMs; t += Q, i++) if (!skip(i)) out.push(t);
  return out;
};
const meter = (over: Partial<MeterReceipts>): MeterReceipts => ({
  meterId: 'm1',
  intervalMinutes: 15,
  commissionedAtMs: null,
  receivedMs: [],
  ...over,
});

describe('reading completeness 采集成功率 = intervals received / intervals expected', () => {
  it('96 of 96 quarter hours on a local day is 100 %; 93 is 96.875 %', () => {
    const full = computeReadingCompleteness(
      [meter({ receivedMs: every15(dayWindow.fromMs, dayWindow.toMs) })],
      dayWindow,
      zone,
    );
    expect(full.meterDays).toEqual([
      { meterId: 'm1', date: '2025-03-10', expected: 96, received: 96, completenessPct: 100 },
    ]);
    const gaps = computeReadingCompleteness(
      [meter({ receivedMs: every15(dayWindow.fromMs, dayWindow.toMs, (i) => i < 3) })],
      dayWindow,
      zone,
    );
    expect(gaps.fleet).toEqual({ expected: 96, received: 93, completenessPct: 96.875 });
  });

  it('a meter commissioned at noon is expected from noon: 48 of 48 is 100 %, not 50 %', () => {
    const noon = local('2025-03-10', 12);
    const r = computeReadingCompleteness(
      [meter({ commissionedAtMs: noon, receivedMs: every15(noon, dayWindow.toMs) })],
      dayWindow,
      zone,
    );
    expect(r.meterDays[0]).toMatchObject({ expected: 48, received: 48, completenessPct: 100 });
  });

  it('commissioned at 12:05: the first whole quarter hour is 12:15, so 47 expected; readings before it do not count', () => {
    const r = computeReadingCompleteness(
      [meter({ commissionedAtMs: local('2025-03-10', 12, 5), receivedMs: every15(dayWindow.fromMs, dayWindow.toMs) })],
      dayWindow,
      zone,
    );
    expect(r.meters[0]).toMatchObject({ expected: 47, received: 47, completenessPct: 100 });
  });

  it('counts an interval once however many readings arrived in it (15-second polls)', () => {
    const polls: number[] = [];
    for (let t = dayWindow.fromMs; t < dayWindow.fromMs + 2 * Q; t += 15_000) polls.push(t);
    expect(computeReadingCompleteness([meter({ receivedMs: polls })], dayWindow, zone).fleet).toMatchObject({
      received: 2,
    });
  });

  it('splits by local day (UTC+8) and leaves out days before commissioning', () => {
    const window = { fromMs: local('2025-03-09'), toMs: local('2025-03-12') };
    const r = computeReadingCompleteness(
      [meter({ commissionedAtMs: local('2025-03-10', 18), receivedMs: every15(local('2025-03-10', 18), window.toMs) })],
      window,
      zone,
    );
    expect(r.meterDays.map((d) => [d.date, d.expected])).toEqual([
      ['2025-03-10', 24],
      ['2025-03-11', 96],
    ]);
  });

  it('ends at decommissioning and at the window end (a quarter hour not yet over is not expected)', () => {
    const r = computeReadingCompleteness(
      [meter({ decommissionedAtMs: local('2025-03-10', 6) }), meter({ meterId: 'm2' })],
      { fromMs: dayWindow.fromMs, toMs: local('2025-03-10', 10, 7) },
      zone,
    );
    expect(r.meters.map((m) => m.expected)).toEqual([24, 40]);
  });

  it('the fleet figure weights every expected interval alike', () => {
    const r = computeReadingCompleteness(
      [
        meter({ receivedMs: every15(dayWindow.fromMs, dayWindow.toMs) }),
        meter({ meterId: 'm2', receivedMs: every15(dayWindow.fromMs, dayWindow.toMs, (i) => i % 2 === 0) }),
      ],
      dayWindow,
      zone,
    );
    expect(r.fleet).toEqual({ expected: 192, received: 144, completenessPct: 75 });
  });
});
