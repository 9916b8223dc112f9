import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db, DbClient } from '../../../../lib/db/index.ts';
import {
  createRulesService,
  runRulesCommand,
  type RulesServiceConfigInput,
  startRulesService,
} from '../../../../services/rules/index.ts';
import { type TestDatabase, BACKENDS } from '../../../support/databases.ts';
import { waitFor } from '../../../support/wait-for.ts';
import {
  at,
  healthy,
  insertReadings,
  clockAt,
  type MeterRef,
  openAlertingDb,
  resetAlerting,
  silent,
} from '../../../support/alerting-fixtures.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  // polar-compressors: 380 V, tier C account polar-cold, manager emma-clark (en).
  // hospital-icu-lv: 380 V, tier A account city-hospital, manager chen-jing (zh).
  const POLAR = 'polar-compressors';
  const ICU = 'hospital-icu-lv';
  // a sag on all three phases (one phase alone would also be a voltage unbalance): 220 V phase
  // nominal, about −11 % (GB/T 12325 ±7 %)
  const SAG = { voltageAV: 195, voltageBV: 196, voltageCV: 196.5 };

  const CONFIG: RulesServiceConfigInput = { serviceName: 'rules-test', batchSize: 500 };

  describe('rules service against the embedded TimescaleDB', () => {
    let t: TestDatabase;
    let meters: Record<string, MeterRef>;
    const clock = clockAt(at(0));
    const service = (config: RulesServiceConfigInput = {}, db: Db = t.db) =>
      createRulesService({ db, logger: silent, config: { ...CONFIG, ...config }, clock });

    const alerts = async () =>
      (
        await t.db.query<{
          id: number;
          meter_id: number;
          kind: string;
          phase: string;
          state: string;
          opened_at: Date;
          cleared_at: Date | null;
        }>('SELECT id, meter_id, kind, phase, state, opened_at, cleared_at FROM alerts ORDER BY id')
      ).rows;
    const events = async () =>
      (
        await t.db.query<{ alert_id: number; action: string; actor: string }>(
          'SELECT alert_id, action, actor FROM alert_events ORDER BY id',
        )
      ).rows;

    beforeAll(async () => {
      ({ t, meters } = await openAlertingDb(backend));
    });
    afterAll(async () => t?.close());
    beforeEach(async () => {
      await resetAlerting(t.db, [POLAR, ICU]);
      clock.set(at(0));
    });

    /** Both meters healthy from 0 to `toS`, except what `fault` changes on polar-compressors. */
    async function feed(fromS: number, toS: number, fault: (s: number) => boolean = () => false) {
      await insertReadings(t.db, meters[ICU]!.id, fromS, toS, 15, (_s, i) => healthy(i));
      await insertReadings(t.db, meters[POLAR]!.id, fromS, toS, 15, (s, i) => healthy(i, fault(s) ? SAG : {}));
      clock.set(at(toS + 5));
    }

    it('opens exactly one alert, routed to the account manager, when the voltage stays below −7 % past its 60 s delay', async () => {
      await feed(0, 300, (s) => s >= 60);
      const run = await service().evaluateOnce();
      expect(run.transitions.map((x) => `${x.type}:${x.kind}:${x.phase}`)).toEqual(['open:under_voltage:A']);
      const rows = await alerts();
      expect(rows).toEqual([
        expect.objectContaining({
          meter_id: meters[POLAR]!.id,
          kind: 'under_voltage',
          phase: 'A',
          state: 'open',
          opened_at: at(120),
        }),
      ]);
      expect(await events()).toEqual([{ alert_id: rows[0]!.id, action: 'opened', actor: 'rules' }]);
      const outbox = await t.db.query('SELECT channel, recipient, event, audience, status FROM notifications');
      expect(outbox.rows).toEqual([
        {
          channel: 'email',
          recipient: 'emma.clark@grid.example',
          event: 'opened',
          audience: 'manager',
          status: 'pending',
        },
      ]);
    });

    it('opens nothing on a clean stretch', async () => {
      await feed(0, 900);
      const run = await service().evaluateOnce();
      expect(run.readings).toBe(120);
      expect(run.transitions).toEqual([]);
      expect(await alerts()).toEqual([]);
    });

    it('opens at most one alert when the voltage flaps around the limit', async () => {
      // under for 90 s (opens at 60 s), then alternating every reading for 10 minutes: the
      // recovery never holds for 60 s, so the alert neither clears nor reopens
      await feed(0, 810, (s) => s < 90 || (s >= 90 && (s / 15) % 2 === 0));
      await service().evaluateOnce();
      const rows = await alerts();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kind: 'under_voltage', state: 'open', cleared_at: null });
    });

    it('misses nothing and duplicates nothing across restarts, and still clears', async () => {
      const fault = (s: number) => s >= 60 && s < 420;
      await feed(0, 90, fault); // fault pending, not yet 60 s
      expect((await service().evaluateOnce()).transitions).toEqual([]);
      await feed(90, 300, fault); // a new service object resumes from the checkpoint: opens once
      expect((await service().evaluateOnce()).transitions.map((x) => x.type)).toEqual(['open']);
      await feed(300, 450, fault); // recovered at 420 s, but not yet for 60 s
      expect((await service().evaluateOnce()).transitions).toEqual([]);
      await feed(450, 600, fault);
      const last = await service().evaluateOnce();
      expect(last.transitions.map((x) => x.type)).toEqual(['clear']);
      const rows = await alerts();
      expect(rows).toEqual([
        expect.objectContaining({ kind: 'under_voltage', state: 'resolved', opened_at: at(120), cleared_at: at(480) }),
      ]);
      expect((await events()).map((e) => e.action)).toEqual(['opened', 'cleared', 'resolved']);
    });

    it('leaves nothing behind when a cycle dies before COMMIT, and the next service writes it exactly once', async () => {
      await feed(0, 300, (s) => s >= 60);
      const crashing: Db = {
        query: (text, values) => t.db.query(text, values),
        end: () => Promise.resolve(),
        async connect(): Promise<DbClient> {
          const client = await t.db.connect();
          return new Proxy(client, {
            get(target, prop, receiver) {
              if (prop === 'query') {
                return (text: unknown, values?: unknown) => {
                  if (text === 'COMMIT') return Promise.reject(new Error('simulated crash before COMMIT'));
                  return (target.query as (a: unknown, b: unknown) => Promise<unknown>)(text, values);
                };
              }
              return Reflect.get(target, prop, receiver) as unknown;
            },
          });
        },
      };
      await expect(service({}, crashing).evaluateOnce()).rejects.toThrow('simulated crash');
      expect(await alerts()).toEqual([]);
      expect((await t.db.query('SELECT count(*)::int AS n FROM rules_meter_state')).rows[0]).toEqual({ n: 0 });
      const run = await service().evaluateOnce();
      expect(run.opened).toHaveLength(1);
      expect(await alerts()).toHaveLength(1);
    });

    it('treats a replayed batch as a no-op, even from a lost checkpoint', async () => {
      await feed(0, 300, (s) => s >= 60);
      await service().evaluateOnce();
      // the same readings again (the writer's primary key drops them) and another cycle: nothing
      expect(await insertReadings(t.db, meters[POLAR]!.id, 0, 300, 15, (_s, i) => healthy(i))).toBe(0);
      expect((await service().evaluateOnce()).transitions).toEqual([]);
      // the checkpoint lost: the core re-derives the same open with the same alert key → no-op
      await t.db.query('TRUNCATE rules_meter_state, rules_checkpoints');
      const replay = await service({ initialLookbackS: 3600 }).evaluateOnce();
      expect(replay.transitions.map((x) => x.type)).toEqual(['open']);
      expect(replay.opened).toEqual([]);
      expect(replay.skipped).toBe(1);
      expect(await alerts()).toHaveLength(1);
      expect(await events()).toHaveLength(1);
      expect((await t.db.query('SELECT count(*)::int AS n FROM notifications')).rows[0]).toEqual({ n: 1 });
    });

    it('does not report communication loss while ingest as a whole is behind, only a meter that falls silent', async () => {
      await feed(0, 300);
      await service().evaluateOnce();
      clock.set(at(3600)); // an hour with no reading from anyone: ingest is down, not every meter
      expect((await service().evaluateOnce()).transitions).toEqual([]);
      // ingest is back; only the ICU meter reports
      await insertReadings(t.db, meters[ICU]!.id, 300, 1200, 15, (_s, i) => healthy(i));
      clock.set(at(3600));
      const run = await service().evaluateOnce();
      expect(run.transitions.map((x) => `${x.type}:${x.meterId}:${x.kind}`)).toEqual([
        `open:${meters[POLAR]!.id}:communication_lost`,
      ]);
      // opened at last seen (285 s) + max(4 × 15 s, 300 s)
      expect(run.transitions[0]!.at).toEqual(at(585));
    });

    it('treats a span in which no meter reported as a monitoring outage, not as every meter losing communication', async () => {
      await feed(0, 300);
      await service().evaluateOnce();
      await feed(3600, 3900); // the whole system was down for an hour
      expect((await service().evaluateOnce()).transitions).toEqual([]);
      // with the outage rule off, every meter's gap is reported (and cleared by its next reading)
      await t.db.query('TRUNCATE rules_meter_state, rules_checkpoints, alerts CASCADE');
      await t.db.query('DELETE FROM readings WHERE ts >= $1', [at(3600)]);
      clock.set(at(305));
      await service({ monitoringOutageS: 0 }).evaluateOnce();
      await feed(3600, 3900);
      const run = await service({ monitoringOutageS: 0 }).evaluateOnce();
      expect(run.transitions.map((x) => `${x.type}:${x.kind}`)).toEqual([
        'open:communication_lost',
        'clear:communication_lost',
        'open:communication_lost',
        'clear:communication_lost',
      ]);
    });

    it('sends a critical phase break of a tier A account to the manager by email and SMS', async () => {
      await insertReadings(t.db, meters[POLAR]!.id, 0, 300, 15, (_s, i) => healthy(i));
      await insertReadings(t.db, meters[ICU]!.id, 0, 300, 15, (s, i) =>
        healthy(i, s >= 60 ? { voltageAV: 5, currentAA: 0 } : {}),
      );
      clock.set(at(305));
      const run = await service().evaluateOnce();
      expect(run.transitions.map((x) => `${x.kind}:${x.severity}`)).toEqual(['phase_break:critical']);
      const outbox = await t.db.query('SELECT channel, recipient FROM notifications ORDER BY channel');
      expect(outbox.rows).toEqual([
        { channel: 'email', recipient: 'chen.jing@grid.example' },
        { channel: 'sms', recipient: '+86 138 0000 0002' },
      ]);
    });

    /** Wait (bounded) until the alerts table has `n` rows. */
    async function waitForAlerts(n: number) {
      return waitFor(
        async () => {
          const rows = await alerts();
          return rows.length >= n && rows;
        },
        { timeoutMs: 2000, intervalMs: 10, label: `${n} alerts` },
      );
    }

    it('runs on its interval until stopped, and as the `kam rules` command until its signal aborts', async () => {
      await feed(0, 300, (s) => s >= 60);
      const loop = startRulesService({ db: t.db, logger: silent, config: CONFIG, clock, intervalMs: 10 });
      expect(await waitForAlerts(1)).toHaveLength(1);
      await loop.stop();

      await feed(300, 600, (s) => s < 420); // clears at 480 s
      const controller = new AbortController();
      const command = runRulesCommand({
        db: t.db,
        logger: silent,
        config: CONFIG,
        signal: controller.signal,
        clock,
      });
      for (let i = 0; i < 200 && (await alerts())[0]?.state !== 'resolved'; i++)
        await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      expect(await command).toBe(0);
      expect((await alerts()).map((a) => a.state)).toEqual(['resolved']);
    });
  });
});
