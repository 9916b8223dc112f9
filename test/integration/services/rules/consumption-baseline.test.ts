import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRulesService, loadConsumptionBaselines } from '../../../../services/rules/index.ts';
import { type TestDatabase, BACKENDS } from '../../../support/databases.ts';
import {
  at,
  healthy,
  insertReadings,
  clockAt,
  type MeterRef,
  openAlertingDb,
  resetAlerting,
  silent,
  T0,
} from '../../../support/alerting-fixtures.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  // Abnormal consumption end to end: the baseline comes from the meter's own `load_15m` history
  // (three weeks here), the rules service compares each new 15-minute block with it.
  // T0 = Monday 10:00 China time. The load follows a daily sine, 40 ± 20 kW, with ±5 % wobble.
  const POLAR = 'polar-compressors';
  const HISTORY_DAYS = 21;
  const baseKw = (ms: number) => 40 + 20 * Math.sin((2 * Math.PI * ((ms / 3_600_000 + 8) % 24)) / 24);

  describe('abnormal consumption against a baseline built from the load curve', () => {
    let t: TestDatabase;
    let meters: Record<string, MeterRef>;
    const clock = clockAt(at(0));

    beforeAll(async () => {
      ({ t, meters } = await openAlertingDb(backend));
    });
    afterAll(async () => t?.close());

    beforeEach(async () => {
      await resetAlerting(t.db, [POLAR]);
      // history: a reading every 15 minutes, the counter integrating the (wobbling) load
      await t.db.query(
        `INSERT INTO readings (meter_id, ts, power_kw, import_kwh)
       SELECT $1, ts, p, 1000 + sum(p / 4) OVER (ORDER BY ts)
         FROM (SELECT ts,
                      (40 + 20 * sin(2 * pi() * ((extract(epoch FROM ts) / 3600 + 8)::numeric % 24) / 24))
                        * (1 + 0.05 * sin(extract(epoch FROM ts) / 997)) AS p
                 FROM generate_series($2::timestamptz, $3::timestamptz, interval '15 minutes') AS ts) h`,
        [meters[POLAR]!.id, new Date(T0 - HISTORY_DAYS * 86_400_000), new Date(T0 - 15 * 60_000)],
      );
    });

    /** Two hours from T0, a reading a minute; `factor(s)` scales the load (1 = normal). */
    async function feedDay(factor: (s: number) => number): Promise<void> {
      const { rows } = await t.db.query<{ kwh: number }>(
        'SELECT import_kwh AS kwh FROM readings WHERE meter_id = $1 ORDER BY ts DESC LIMIT 1',
        [meters[POLAR]!.id],
      );
      let kwh = rows[0]!.kwh;
      await insertReadings(t.db, meters[POLAR]!.id, 0, 7200, 60, (s, i) => {
        const p = baseKw(T0 + s * 1000) * factor(s);
        kwh += (p * 60) / 3600;
        return healthy(i, { powerKw: p, importKwh: kwh });
      });
      clock.set(at(7205));
    }

    const evaluate = async () => {
      const service = createRulesService({
        db: t.db,
        logger: silent,
        config: { serviceName: 'baseline-test', initialLookbackS: 7200 },
        clock,
      });
      await service.evaluateOnce();
      const { rows } = await t.db.query<{ kind: string; opened_at: Date }>(
        'SELECT kind, opened_at FROM alerts ORDER BY id',
      );
      return rows;
    };

    it('builds a per-slot baseline of the history, weekdays apart from weekends', async () => {
      const baselines = await loadConsumptionBaselines(t.db, [meters[POLAR]!.id], new Date(T0));
      const b = baselines.get(meters[POLAR]!.id)!;
      // 10:00 local = slot 40: the mean is the quarter-hour energy of the sine at that time
      const expected = baseKw(T0 - 86_400_000) / 4;
      expect(b.workday[40]).toMatchObject({ meanKwh: expect.closeTo(expected, 0) });
      expect((b.workday[40] as { stddevKwh: number }).stddevKwh).toBeGreaterThan(0);
      expect(b.weekend?.filter((s) => s !== null)).toHaveLength(96);
    });

    it('raises one abnormal_consumption alert when the load triples for half an hour', async () => {
      await feedDay((s) => (s >= 1800 && s < 3600 ? 3 : 1));
      const alerts = await evaluate();
      expect(alerts.map((a) => a.kind)).toEqual(['abnormal_consumption']);
      // abnormal from 10:30 local; opens once it has held for two quarter hours (11:00)
      expect(alerts[0]!.opened_at).toEqual(at(3600));
    });

    it('raises nothing for a normal day, nor for a single odd quarter hour', async () => {
      await feedDay((s) => (s >= 1800 && s < 2700 ? 3 : 1));
      expect(await evaluate()).toEqual([]);
    });
  });
});
