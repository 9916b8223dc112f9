import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  acknowledgeAlert,
  commentOnAlert,
  getAlert,
  listAlerts,
  resolveAlert,
} from '../../../../services/alerts/index.ts';
import { createNotificationPlanner, parseNotifyConfig } from '../../../../services/notify/index.ts';
import { createRulesService } from '../../../../services/rules/index.ts';
import { listOpenAlertsCommand } from '../../../../cli/commands/alerts.ts';
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
} from '../../../support/alerting-fixtures.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  const POLAR = 'polar-compressors';
  const SAG = { voltageAV: 195, voltageBV: 196, voltageCV: 196.5 };

  describe('alert lifecycle: acknowledge, comment, resolve, with an audit trail', () => {
    let t: TestDatabase;
    let meters: Record<string, MeterRef>;
    const clock = clockAt(at(0));
    const notify = createNotificationPlanner(
      parseNotifyConfig({ webhook: { url: 'http://127.0.0.1:9/hook', secret: 'a-test-secret-of-length' } }),
    );

    beforeAll(async () => {
      ({ t, meters } = await openAlertingDb(backend));
    });
    afterAll(async () => t?.close());
    beforeEach(async () => {
      await resetAlerting(t.db, [POLAR]);
    });

    /** Feed polar-compressors from `fromS` to `toS`, sagging where `fault` says, and evaluate. */
    async function run(fromS: number, toS: number, fault: (s: number) => boolean) {
      await insertReadings(t.db, meters[POLAR]!.id, fromS, toS, 15, (s, i) => healthy(i, fault(s) ? SAG : {}));
      clock.set(at(toS));
      return createRulesService({
        db: t.db,
        logger: silent,
        config: { serviceName: 'lifecycle' },
        clock,
      }).evaluateOnce();
    }

    async function openAlert(): Promise<number> {
      const r = await run(0, 300, (s) => s >= 60);
      expect(r.opened).toHaveLength(1);
      return r.opened[0]!;
    }

    it('records who acknowledged, commented on and resolved an alert, and when', async () => {
      const id = await openAlert();
      const acked = await acknowledgeAlert(t.db, id, 'emma.clark', 'on my way', { clock: clockAt(at(400)), notify });
      expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'emma.clark', acknowledgedAt: at(400) });
      const comment = await commentOnAlert(t.db, id, 'emma.clark', 'customer reports a transformer tap change', {
        clock: clockAt(at(500)),
      });
      expect(comment).toMatchObject({ action: 'commented', actor: 'emma.clark', at: at(500) });
      const resolved = await resolveAlert(t.db, id, 'emma.clark', 'tap restored by the substation', {
        clock: clockAt(at(600)),
        notify,
      });
      expect(resolved).toMatchObject({
        state: 'resolved',
        resolvedBy: 'emma.clark',
        resolvedAt: at(600),
        resolutionNote: 'tap restored by the substation',
        clearedAt: null,
      });
      const full = await getAlert(t.db, id);
      expect(full.events.map((e) => [e.action, e.actor, e.note])).toEqual([
        ['opened', 'rules', null],
        ['acknowledged', 'emma.clark', 'on my way'],
        ['commented', 'emma.clark', 'customer reports a transformer tap change'],
        ['resolved', 'emma.clark', 'tap restored by the substation'],
      ]);
      // the integration webhook hears about the acknowledgement and the resolution
      const hooks = await t.db.query("SELECT event FROM notifications WHERE channel = 'webhook' ORDER BY id");
      expect(hooks.rows.map((r) => r.event)).toEqual(['acknowledged', 'resolved']);
    });

    it('refuses impossible changes with stable codes', async () => {
      const id = await openAlert();
      await expect(acknowledgeAlert(t.db, 999_999, 'x')).rejects.toMatchObject({ code: 'ALERT_NOT_FOUND' });
      await expect(commentOnAlert(t.db, 999_999, 'x', 'y')).rejects.toMatchObject({ code: 'ALERT_NOT_FOUND' });
      await expect(resolveAlert(t.db, id, 'emma.clark', '  ')).rejects.toMatchObject({ code: 'ALERT_INVALID_INPUT' });
      await expect(acknowledgeAlert(t.db, id, '')).rejects.toMatchObject({ code: 'ALERT_INVALID_INPUT' });
      await expect(acknowledgeAlert(t.db, -1, 'x')).rejects.toMatchObject({ code: 'ALERT_INVALID_INPUT' });
      await acknowledgeAlert(t.db, id, 'emma.clark');
      await expect(acknowledgeAlert(t.db, id, 'emma.clark')).rejects.toMatchObject({
        code: 'ALERT_ALREADY_ACKNOWLEDGED',
      });
      await resolveAlert(t.db, id, 'emma.clark', 'done');
      await expect(resolveAlert(t.db, id, 'emma.clark', 'again')).rejects.toMatchObject({
        code: 'ALERT_ALREADY_RESOLVED',
      });
      await expect(acknowledgeAlert(t.db, id, 'emma.clark')).rejects.toMatchObject({ code: 'ALERT_ALREADY_RESOLVED' });
      // comments stay possible after resolution
      await expect(commentOnAlert(t.db, id, 'zhao.qiang', 'reviewed')).resolves.toMatchObject({ action: 'commented' });
    });

    it('auto-resolves when the condition clears, so the next occurrence opens a new alert', async () => {
      const first = await openAlert();
      await run(300, 900, (s) => s >= 600 && s < 840); // cleared at 360 s, sags again from 600 s
      const all = await listAlerts(t.db, { meterCode: POLAR });
      expect(all.map((a) => [a.state, a.openedAt, a.clearedAt])).toEqual([
        ['open', at(660), null],
        ['resolved', at(120), at(360)],
      ]);
      expect(all[1]).toMatchObject({ id: first, resolvedBy: 'rules', resolutionNote: 'condition cleared' });
      expect((await getAlert(t.db, first)).events.map((e) => e.action)).toEqual(['opened', 'cleared', 'resolved']);
      // a person resolving first keeps their resolution; the clear is still recorded
      await resolveAlert(t.db, all[0]!.id, 'emma.clark', 'known works', { clock: clockAt(at(700)) });
      await run(900, 1000, () => false);
      expect(await getAlert(t.db, all[0]!.id)).toMatchObject({
        resolvedBy: 'emma.clark',
        resolutionNote: 'known works',
        clearedAt: at(900),
      });
    });

    it('lists alerts by filter and prints the open ones for `kam alerts`', async () => {
      const id = await openAlert();
      expect(await listAlerts(t.db, { states: ['open'], accountCode: 'polar-cold' })).toEqual([
        expect.objectContaining({
          id,
          kind: 'under_voltage',
          phase: 'A',
          severity: 'minor',
          account: expect.objectContaining({ code: 'polar-cold', tier: 'C' }),
          manager: expect.objectContaining({ code: 'emma-clark' }),
        }),
      ]);
      expect(await listAlerts(t.db, { states: ['resolved'] })).toEqual([]);
      expect(await listAlerts(t.db, { kinds: ['phase_break'] })).toEqual([]);
      await expect(listAlerts(t.db, { limit: 0 })).rejects.toMatchObject({ code: 'ALERT_INVALID_INPUT' });
      let text = '';
      expect(await listOpenAlertsCommand(t.db, { write: (s: string) => (text += s) })).toBe(1);
      const [header, row] = text.split('\n');
      expect(header!.split(/\s{2,}/)).toEqual([
        'ID',
        'ACCOUNT',
        'METER',
        'KIND',
        'PHASE',
        'SEVERITY',
        'OPENED (CST)',
        'STATE',
        'MANAGER',
      ]);
      expect(row!.split(/\s{2,}/)).toEqual([
        String(id),
        '极地冷链 Polar Cold Chain',
        'polar-compressors',
        'under_voltage',
        'A',
        'minor',
        '2026-03-02 10:02',
        'open',
        'Emma Clark',
      ]);
    });
  });
});
