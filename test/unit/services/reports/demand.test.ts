import { describe, expect, it } from 'vitest';
import { parseTimeZone } from '../../../../lib/domain/index.ts';
import {
  checkDeclaredDemand,
  computeMaximumDemand,
  type IntervalEnergyPoint,
} from '../../../../services/reports/core/index.ts';
import { fieldOf } from '../../../support/thrown.ts';

const MIN = 60_000;
const T0 = Date.parse('2025-03-10T02:00:00Z'); // 10:00 China Standard Time
const period = { fromMs: T0, toMs: T0 + 60 * MIN };
const minutes = (kwh: (i: number) => number | null, n = 60): IntervalEnergyPoint[] =>
  Array.from({ length: n }, (_, i) => ({ startMs: T0 + i * MIN, energyKwh: kwh(i) }));

describe('maximum demand: 15-minute window sliding every minute (domain.md §6, §10)', () => {
  it('a steady 10 kWh per minute is 150 kWh per 15 minutes × 4 = 600 kW; 46 windows in an hour', () => {
    const r = computeMaximumDemand([{ meterId: 'm1', minutes: minutes(() => 10) }], period);
    expect(r.sliding).toEqual({
      peak: { maxDemandKw: 600, windowStartMs: T0, windowEndMs: T0 + 15 * MIN },
      windowsComputed: 46,
      windowsSkipped: 0,
    });
    expect(r.block).toMatchObject({ blocksComputed: 4, blocksSkipped: 0 });
  });

  it('finds a peak between blocks: sliding 1200 kW at 10:20–10:35, fixed blocks only 1000 kW at 10:15–10:30', () => {
    const r = computeMaximumDemand([{ meterId: 'm1', minutes: minutes((i) => (i >= 20 && i < 35 ? 20 : 10)) }], period);
    expect(r.sliding.peak).toEqual({ maxDemandKw: 1200, windowStartMs: T0 + 20 * MIN, windowEndMs: T0 + 35 * MIN });
    // block 10:15–10:30: 5 × 10 + 10 × 20 = 250 kWh → 1000 kW
    expect(r.block.peak).toEqual({ maxDemandKw: 1000, windowStartMs: T0 + 15 * MIN, windowEndMs: T0 + 30 * MIN });
  });

  it('sums the billing meters minute by minute (6 + 4 kWh per minute → 600 kW)', () => {
    const r = computeMaximumDemand(
      [
        { meterId: 'incomer-1', minutes: minutes(() => 6) },
        { meterId: 'incomer-2', minutes: minutes(() => 4) },
      ],
      period,
    );
    expect(r.sliding.peak?.maxDemandKw).toBe(600);
    expect(r.meters).toBe(2);
  });

  it('skips every window with a minute missing on any meter, and says how many', () => {
    const r = computeMaximumDemand(
      [
        { meterId: 'a', minutes: minutes(() => 6) },
        { meterId: 'b', minutes: minutes((i) => (i === 40 ? null : 4)) },
      ],
      period,
    );
    // windows starting at minutes 26…40 contain minute 40
    expect(r.sliding).toMatchObject({ windowsComputed: 31, windowsSkipped: 15 });
    expect(r.block).toMatchObject({ blocksComputed: 3, blocksSkipped: 1 });
    expect(r.minutesIncomplete).toBe(1);
    expect(r.sliding.peak?.maxDemandKw).toBe(600);
  });

  it('treats implausible and counter-reset intervals as missing, and an absent minute too', () => {
    const points = minutes(() => 10).filter((_, i) => i !== 5);
    points[50] = { ...points[50]!, energyKwh: 999, quality: 8 };
    const r = computeMaximumDemand([{ meterId: 'm1', minutes: points }], period);
    expect(r.minutesIncomplete).toBe(2);
    expect(r.sliding.peak?.maxDemandKw).toBe(600);
  });

  it('no computable window: no peak', () => {
    const r = computeMaximumDemand([{ meterId: 'm1', minutes: [] }], period);
    expect(r.sliding).toEqual({ peak: null, windowsComputed: 0, windowsSkipped: 46 });
  });

  it('on equal demand the earliest window wins', () => {
    const r = computeMaximumDemand([{ meterId: 'm1', minutes: minutes((i) => (i < 15 || i >= 45 ? 20 : 1)) }], period);
    expect(r.sliding.peak?.windowStartMs).toBe(T0);
  });

  it('aligns blocks on the local quarter hour: a period from 10:07 has its first block at 10:15', () => {
    const from = T0 + 7 * MIN;
    const r = computeMaximumDemand([{ meterId: 'm1', minutes: minutes(() => 1, 67) }], {
      fromMs: from,
      toMs: T0 + 67 * MIN,
    });
    // blocks 10:15, 10:30, 10:45, 11:00 (the last ends at 11:15 > 11:07: not whole)
    expect(r.block.blocksComputed).toBe(3);
    expect(r.block.peak?.windowStartMs).toBe(T0 + 15 * MIN);
  });

  it("aligns blocks on the zone's clock: hour blocks start on the local hour (Kathmandu, UTC+05:45)", () => {
    // 02:00Z is 10:00 in China (an hour block starts at once) and 07:45 in Kathmandu (at 08:00)
    const meters = [{ meterId: 'm1', minutes: minutes(() => 1, 120) }];
    const twoHours = { fromMs: T0, toMs: T0 + 120 * MIN };
    expect(computeMaximumDemand(meters, twoHours, { windowMinutes: 60 }).block.peak?.windowStartMs).toBe(T0);
    const kathmandu = computeMaximumDemand(meters, twoHours, {
      windowMinutes: 60,
      zone: parseTimeZone('Asia/Kathmandu'),
    });
    expect(kathmandu.block).toMatchObject({ blocksComputed: 1, peak: { windowStartMs: T0 + 15 * MIN } });
  });

  it('refuses bad input, naming the field', () => {
    expect(fieldOf(() => computeMaximumDemand([], period))).toBe('meters');
    expect(
      fieldOf(() => computeMaximumDemand([{ meterId: 'm', minutes: [] }], { fromMs: T0 + 1, toMs: T0 + MIN })),
    ).toBe('period');
    expect(
      fieldOf(() => computeMaximumDemand([{ meterId: 'm', minutes: minutes((i) => (i === 3 ? -1 : 1)) }], period)),
    ).toBe('meters[0].minutes[3].energyKwh');
  });
});

describe('declared demand check (domain.md §10: above 105 % of declared, billed at double)', () => {
  it('exactly 105 % of the declared demand is not an excess', () => {
    expect(checkDeclaredDemand({ billingBasis: 'demand', declaredDemandKw: 1000, maxDemandKw: 1050 })).toMatchObject({
      applies: true,
      thresholdKw: 1050,
      excessKw: 0,
      excessBilledKw: 0,
      maxDemandPctOfDeclared: 105,
    });
  });

  it('1100 kW against 1000 kW declared: 50 kW excess billed as 100 kW; at 38.4 per kW-month 3840', () => {
    expect(
      checkDeclaredDemand({
        billingBasis: 'demand',
        declaredDemandKw: 1000,
        maxDemandKw: 1100,
        demandPricePerKwMonth: 38.4,
      }),
    ).toMatchObject({ excessKw: 50, penaltyMultiplier: 2, excessBilledKw: 100, excessCharge: 3840 });
  });

  it('the multiplier and tolerance are configurable', () => {
    expect(
      checkDeclaredDemand(
        { billingBasis: 'demand', declaredDemandKw: 1000, maxDemandKw: 1100 },
        { penaltyMultiplier: 3, tolerancePct: 100 },
      ),
    ).toMatchObject({ thresholdKw: 1000, excessKw: 100, excessBilledKw: 300 });
  });

  it('capacity-billed accounts have no demand penalty', () => {
    expect(checkDeclaredDemand({ billingBasis: 'capacity', maxDemandKw: 5000 })).toMatchObject({
      applies: false,
      excessKw: 0,
      excessCharge: 0,
    });
  });

  it('flags a declared demand under 40 % of the transformer capacity', () => {
    const r = (declared: number) =>
      checkDeclaredDemand({
        billingBasis: 'demand',
        declaredDemandKw: declared,
        maxDemandKw: 900,
        transformerCapacityKva: 3000,
      });
    expect(r(1199).declaredBelowMinimum).toBe(true);
    expect(r(1200).declaredBelowMinimum).toBe(false);
  });

  it('without a measured maximum the excess is unknown; a demand-billed account needs its declared demand', () => {
    expect(
      checkDeclaredDemand({ billingBasis: 'demand', declaredDemandKw: 1000, maxDemandKw: null }).excessKw,
    ).toBeNull();
    expect(fieldOf(() => checkDeclaredDemand({ billingBasis: 'demand', maxDemandKw: 900 }))).toBe('declaredDemandKw');
  });
});
