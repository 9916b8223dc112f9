import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dateOf } from '../../../../lib/domain/index.ts';
import {
  acknowledgeAlert,
  enqueueAlertNotifications,
  escalateOverdueAlerts,
} from '../../../../services/alerts/index.ts';
import {
  claimDueNotifications,
  createNotificationPlanner,
  createNotifier,
  type NotifyConfigInput,
  parseNotifyConfig,
  verifyWebhookSignature,
} from '../../../../services/notify/index.ts';
import { createRulesService } from '../../../../services/rules/index.ts';
import { getFreePort } from '../../../support/free-port.ts';
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
import { parseMail, startHttpReceiver, startSmtpServer } from '../../../support/local-servers.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  const POLAR = 'polar-compressors'; // tier C, manager Emma Clark (en)
  const ICU = 'hospital-icu-lv'; // tier A, manager 陈静 Chen Jing (zh), escalation 赵强 Zhao Qiang
  const SAG = { voltageAV: 195, voltageBV: 196, voltageCV: 196.5 };
  const PHASE_BREAK_A = { voltageAV: 5, currentAA: 0 };
  const PUBLIC_URL = 'https://kam.example.cn';
  const SECRET = 'whsec-test-0123456789abcdef';

  describe('notifier: outbox delivery, retries, escalation', () => {
    let t: TestDatabase;
    let meters: Record<string, MeterRef>;
    const clock = clockAt(at(0));
    const closers: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      ({ t, meters } = await openAlertingDb(backend));
    });
    afterAll(async () => t?.close());
    beforeEach(async () => {
      await resetAlerting(t.db, [POLAR, ICU]);
      clock.set(at(0));
    });
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
    });

    const notifyConfig = (input: NotifyConfigInput = {}) =>
      parseNotifyConfig({ publicUrl: PUBLIC_URL, worker: { backoffBaseMs: 30_000, leaseMs: 120_000 }, ...input });

    /** Raise alerts through the rules service: an under-voltage on POLAR and/or a phase break on ICU. */
    async function raise(which: { polar?: boolean; icu?: boolean }, notify = notifyConfig()) {
      await insertReadings(t.db, meters[POLAR]!.id, 0, 300, 15, (s, i) =>
        healthy(i, which.polar && s >= 60 ? SAG : {}),
      );
      await insertReadings(t.db, meters[ICU]!.id, 0, 300, 15, (s, i) =>
        healthy(i, which.icu && s >= 60 ? PHASE_BREAK_A : {}),
      );
      clock.set(at(300));
      const run = await createRulesService({
        db: t.db,
        logger: silent,
        config: { serviceName: 'notify-test', notify },
        clock,
      }).evaluateOnce();
      return run.opened;
    }

    const advance = (ms: number) => clock.set(clock.now() + ms);
    const outbox = async () =>
      (
        await t.db.query<{
          id: number;
          channel: string;
          recipient: string;
          event: string;
          status: string;
          attempts: number;
          next_attempt_at: Date;
          last_error: string | null;
          idempotency_key: string;
        }>(
          'SELECT id, channel, recipient, event, status, attempts, next_attempt_at, last_error, idempotency_key FROM notifications ORDER BY id',
        )
      ).rows;

    it('keeps email in the outbox while SMTP is down, backing off, and delivers once a server listens', async () => {
      const port = await getFreePort();
      const config = notifyConfig({
        smtp: {
          host: '127.0.0.1',
          port,
          user: 'kam',
          pass: 's3cret-from-config',
          from: 'KAM <kam@grid.example>',
          timeoutMs: 2000,
        },
      });
      const [alertId] = await raise({ polar: true }, config);
      const notifier = createNotifier({ db: t.db, logger: silent, config, clock });
      closers.push(() => notifier.stop());

      expect(await notifier.runOnce()).toMatchObject({ sent: 0, retried: 1 });
      let [row] = await outbox();
      expect(row).toMatchObject({
        channel: 'email',
        status: 'pending',
        attempts: 1,
        next_attempt_at: new Date(clock.now() + 30_000),
      });
      expect(row!.last_error).toMatch(/NOTIFY_SEND_FAILED.*ECONNREFUSED/);

      expect(await notifier.runOnce()).toMatchObject({ sent: 0, retried: 0 }); // not due yet
      advance(30_000);
      expect(await notifier.runOnce()).toMatchObject({ retried: 1 });
      [row] = await outbox();
      expect(row).toMatchObject({ attempts: 2, next_attempt_at: new Date(clock.now() + 60_000) }); // doubled

      const smtp = await startSmtpServer(port, { user: 'kam', pass: 's3cret-from-config' });
      closers.unshift(smtp.close); // closed after the notifier (its pooled SMTP connection) has stopped
      advance(60_000);
      expect(await notifier.runOnce()).toMatchObject({ sent: 1 });
      [row] = await outbox();
      expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });

      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0]!;
      expect(mail).toMatchObject({ to: ['emma.clark@grid.example'], from: 'kam@grid.example', user: 'kam' });
      const { headers, text } = parseMail(mail.raw);
      expect(headers.subject).toBe(
        '[ALERT · minor 告警·一般] Under-voltage 欠压 phase A — 极地冷链 Polar Cold Chain / polar-compressors',
      );
      expect(headers['x-kam-idempotency-key']).toBe(row!.idempotency_key);
      // English first (Emma Clark's locale), then Chinese; opened time in China Standard Time
      const [english, chinese] = text.split('—— 中文 ——');
      expect(english).toContain('Event: ALERT — Under-voltage (phase A)');
      expect(english).toContain('Account: 极地冷链 Polar Cold Chain (polar-cold, tier C)');
      expect(english).toContain('Opened: 2026-03-02 10:02:00 China Standard Time (UTC+8)');
      expect(english).toMatch(/Measured: -11\.\d+ % deviation \(limit -7 % deviation\)/);
      expect(english).toContain(`Details: ${PUBLIC_URL}/alerts/${alertId}`);
      expect(chinese).toContain('事件: 告警 — 欠压（A相）');
      expect(chinese).toContain('发生时间: 2026-03-02 10:02:00 （北京时间）');
      expect(chinese).toContain(`详情: ${PUBLIC_URL}/alerts/${alertId}`);
      const audit = await t.db.query("SELECT actor, details FROM alert_events WHERE action = 'notified'");
      expect(audit.rows).toEqual([
        {
          actor: 'notifier',
          details: expect.objectContaining({ channel: 'email', recipient: 'emma.clark@grid.example', attempts: 3 }),
        },
      ]);
    });

    it('signs webhooks so a real receiver can verify them, retries with the same idempotency key, holds unconfigured channels', async () => {
      const hook = await startHttpReceiver((_r, n) => (n === 1 ? 503 : 200));
      closers.push(hook.close);
      const config = notifyConfig({ webhook: { url: `${hook.url}/kam`, secret: SECRET } });
      const [alertId] = await raise({ polar: true }, config);
      const notifier = createNotifier({ db: t.db, logger: silent, config, clock });
      closers.push(() => notifier.stop());

      expect(await notifier.runOnce()).toMatchObject({ retried: 1, held: 1 });
      const rows = await outbox();
      expect(rows.find((r) => r.channel === 'email')).toMatchObject({
        status: 'held',
        last_error: 'channel email is not configured; held until it is',
      });
      expect(rows.find((r) => r.channel === 'webhook')!.last_error).toMatch(/NOTIFY_WEBHOOK_REJECTED.*503/);
      advance(30_000);
      expect(await notifier.runOnce()).toMatchObject({ sent: 1 });

      expect(hook.requests).toHaveLength(2);
      const nowS = Math.floor(clock.now() / 1000);
      for (const req of hook.requests) {
        expect(req).toMatchObject({ method: 'POST', url: '/kam' });
        const signature = req.headers['x-kam-signature'] as string;
        const timestamp = req.headers['x-kam-timestamp'] as string;
        expect(verifyWebhookSignature({ body: req.body, secret: SECRET, signature, timestamp, nowS })).toBe(true);
        // independently: HMAC-SHA256 over "<timestamp>.<body>"
        expect(signature).toBe(
          `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${req.body}`).digest('hex')}`,
        );
        expect(
          verifyWebhookSignature({
            body: req.body.replace('minor', 'major'),
            secret: SECRET,
            signature,
            timestamp,
            nowS,
          }),
        ).toBe(false);
        expect(
          verifyWebhookSignature({ body: req.body, secret: SECRET, signature, timestamp, nowS: nowS + 3600 }),
        ).toBe(false);
      }
      expect(hook.requests[0]!.headers['idempotency-key']).toBe(`alert:${alertId}:opened:webhook:webhook`);
      expect(hook.requests[1]!.headers['idempotency-key']).toBe(hook.requests[0]!.headers['idempotency-key']);
      expect(JSON.parse(hook.requests[1]!.body)).toMatchObject({
        type: 'alert.opened',
        alert: {
          id: alertId,
          kind: 'under_voltage',
          phase: 'A',
          severity: 'minor',
          link: `${PUBLIC_URL}/alerts/${alertId}`,
        },
        account: { code: 'polar-cold' },
        manager: { code: 'emma-clark' },
      });

      // once SMTP is configured, the held email is released and delivered
      const port = await getFreePort();
      const smtp = await startSmtpServer(port);
      closers.push(smtp.close);
      const withSmtp = createNotifier({
        db: t.db,
        logger: silent,
        config: notifyConfig({
          webhook: { url: `${hook.url}/kam`, secret: SECRET },
          smtp: { host: '127.0.0.1', port },
        }),
        clock,
      });
      closers.push(() => withSmtp.stop());
      expect(await withSmtp.runOnce()).toMatchObject({ sent: 1, held: 0 });
      expect(smtp.messages.map((m) => m.to)).toEqual([['emma.clark@grid.example']]);
      expect(hook.requests).toHaveLength(2);
    });

    it('gives up after the configured number of attempts and keeps the row as failed', async () => {
      const hook = await startHttpReceiver(() => 500);
      closers.push(hook.close);
      const config = notifyConfig({ webhook: { url: hook.url, secret: SECRET }, worker: { maxAttempts: 2 } });
      await raise({ polar: true }, config);
      const notifier = createNotifier({ db: t.db, logger: silent, config, clock });
      closers.push(() => notifier.stop());
      expect(await notifier.runOnce()).toMatchObject({ retried: 1, failed: 0 });
      advance(30_000);
      expect(await notifier.runOnce()).toMatchObject({ retried: 0, failed: 1 });
      advance(3_600_000);
      expect(await notifier.runOnce()).toMatchObject({ retried: 0, failed: 0 });
      expect((await outbox()).find((r) => r.channel === 'webhook')).toMatchObject({ status: 'failed', attempts: 2 });
      expect(hook.requests).toHaveLength(2);
    });

    it('enqueues a notification once per idempotency key and re-sends a lost delivery under the same key', async () => {
      const sms = await startHttpReceiver();
      closers.push(sms.close);
      const config = notifyConfig({ sms: { url: `${sms.url}/send`, token: 'sms-token' } });
      const [alertId] = await raise({ icu: true }, config);
      // the same event enqueued again (a replay) adds nothing
      expect(
        await enqueueAlertNotifications(
          t.db,
          [{ alertId: alertId!, event: 'opened' }],
          createNotificationPlanner(config),
          dateOf(clock),
        ),
      ).toBe(0);
      expect((await outbox()).map((r) => `${r.channel}:${r.recipient}`)).toEqual([
        'email:chen.jing@grid.example',
        'sms:+86 138 0000 0002',
      ]);
      // a worker claims the SMS and dies before sending or recording anything
      expect(await claimDueNotifications(t.db, ['sms'], dateOf(clock), 10, 120_000)).toHaveLength(1);
      const notifier = createNotifier({ db: t.db, logger: silent, config, clock });
      closers.push(() => notifier.stop());
      expect(await notifier.runOnce()).toMatchObject({ sent: 0 }); // leased to the dead worker
      advance(120_000);
      expect(await notifier.runOnce()).toMatchObject({ sent: 1 });
      expect(await notifier.runOnce()).toMatchObject({ sent: 0 });
      expect(sms.requests).toHaveLength(1);
      expect(sms.requests[0]!.headers.authorization).toBe('Bearer sms-token');
      const body = JSON.parse(sms.requests[0]!.body) as { to: string; text: string; idempotencyKey: string };
      expect(body).toMatchObject({
        to: '+86 138 0000 0002',
        idempotencyKey: `alert:${alertId}:opened:sms:+86 138 0000 0002`,
      });
      expect(body.text).toContain('断相');
      expect(body.text).toContain('Phase break');
      expect((await outbox()).find((r) => r.channel === 'sms')).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('escalates an unacknowledged alert once, after its tier limit, to the escalation contact', async () => {
      const port = await getFreePort();
      const smtp = await startSmtpServer(port);
      closers.push(smtp.close);
      const config = notifyConfig({ smtp: { host: '127.0.0.1', port }, escalationMinutes: { A: 15, B: 60, C: 240 } });
      const [icuAlert, polarAlert] = await raise({ icu: true, polar: true }, config);
      expect([icuAlert, polarAlert].every(Boolean)).toBe(true);
      const raisedAt = clock.now();
      await acknowledgeAlert(t.db, polarAlert!, 'emma.clark', undefined, { clock });
      const notifier = createNotifier({ db: t.db, logger: silent, config, clock });
      closers.push(() => notifier.stop());

      clock.set(new Date(raisedAt + 14 * 60_000));
      // the two managers' emails go out; the critical SMS waits (no SMS gateway configured here)
      expect(await notifier.runOnce()).toMatchObject({ escalated: 0, sent: 2, held: 1 });
      clock.set(new Date(raisedAt + 15 * 60_000));
      expect(await notifier.runOnce()).toMatchObject({ escalated: 1, sent: 1 });
      clock.set(new Date(raisedAt + 300 * 60_000)); // past tier C too: the acknowledged alert never escalates
      expect(await notifier.runOnce()).toMatchObject({ escalated: 0, sent: 0 });
      expect(await escalateOverdueAlerts(t.db, config, createNotificationPlanner(config), dateOf(clock))).toEqual([]);

      const events = await t.db.query<{ alert_id: number; note: string }>(
        "SELECT alert_id, note FROM alert_events WHERE action = 'escalated'",
      );
      expect(events.rows).toEqual([
        { alert_id: icuAlert, note: 'not acknowledged within 15 min (tier A); escalated to zhao.qiang@grid.example' },
      ]);
      const escalation = smtp.messages.filter((m) => m.to.includes('zhao.qiang@grid.example'));
      expect(escalation).toHaveLength(1);
      const { headers, text } = parseMail(escalation[0]!.raw);
      expect(headers.subject).toBe(
        "【升级·紧急 ESCALATED·critical】断相 Phase break A相 — 市第一人民医院 City First People's Hospital / hospital-icu-lv",
      );
      expect(text).toContain('该告警 15 分钟内未被客户经理 陈静 Chen Jing 确认，现升级给您。');
      expect(text).toContain('Not acknowledged by account manager 陈静 Chen Jing within 15 minutes; escalated to you.');
      // the escalation SMS is held: no SMS gateway configured here
      expect(
        (await outbox()).filter((r) => r.event === 'escalated').map((r) => `${r.channel}:${r.recipient}:${r.status}`),
      ).toEqual(['email:zhao.qiang@grid.example:sent', 'sms:+86 138 0000 0101:held']);
    });
  });
});
