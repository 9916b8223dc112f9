import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  escalationMinutesFor,
  type NotifyConfigInput,
  parseNotifyConfig,
  planAlertNotifications,
} from '../../../../services/notify/index.ts';
import { notifiableAlert } from './notify-fixtures.ts';

const NOW = new Date('2026-03-02T02:01:05Z');
const plan = (
  alert = notifiableAlert(),
  event: Parameters<typeof planAlertNotifications>[1] = 'opened',
  cfg: NotifyConfigInput = {},
) =>
  planAlertNotifications(alert, event, parseNotifyConfig(cfg), NOW).map(
    (r) => `${r.audience}:${r.channel}:${r.recipient}`,
  );

describe('who hears about an alert', () => {
  it('sends a critical alert to the manager by email and SMS', () => {
    expect(plan()).toEqual(['manager:email:chen.jing@grid.example', 'manager:sms:+86 138 0000 0002']);
  });

  it('sends a minor alert by email only', () => {
    expect(plan(notifiableAlert({ severity: 'minor' }))).toEqual(['manager:email:chen.jing@grid.example']);
  });

  it('tells a customer who asked for it about abnormal use, not about meter faults', () => {
    expect(plan(notifiableAlert({ kind: 'abnormal_consumption', severity: 'minor' }))).toEqual([
      'manager:email:chen.jing@grid.example',
      'customer:email:facilities@hospital.example',
      'customer:sms:+86 21 0000 1000',
    ]);
    const account = { ...notifiableAlert().account, notifyCustomer: false };
    expect(plan(notifiableAlert({ kind: 'abnormal_consumption', severity: 'minor', account }))).toEqual([
      'manager:email:chen.jing@grid.example',
    ]);
  });

  it('escalates to the escalation contact, and informs the webhook of every event', () => {
    const webhook = { webhook: { url: 'https://hooks.example/kam', secret: '0123456789abcdef' } };
    expect(plan(notifiableAlert(), 'escalated', webhook)).toEqual([
      'escalation:email:zhao.qiang@grid.example',
      'escalation:sms:+86 138 0000 0101',
      'integration:webhook:webhook',
    ]);
    expect(plan(notifiableAlert(), 'acknowledged', webhook)).toEqual(['integration:webhook:webhook']);
    expect(plan(notifiableAlert(), 'cleared', { notifyOnClear: false })).toEqual([]);
  });

  it('keys each notification by (alert, event, channel, recipient)', () => {
    const rows = planAlertNotifications(notifiableAlert(), 'opened', parseNotifyConfig({}), NOW);
    expect(rows.map((r) => r.idempotencyKey)).toEqual([
      'alert:42:opened:email:chen.jing@grid.example',
      'alert:42:opened:sms:+86 138 0000 0002',
    ]);
  });
});

describe('escalation limits and retry backoff', () => {
  it('gives tier A the shortest limit; potential and none use tier C', () => {
    const cfg = parseNotifyConfig({});
    expect(['A', 'B', 'C', 'potential', 'none'].map((t) => escalationMinutesFor(t as 'A', cfg))).toEqual([
      15, 60, 240, 240, 240,
    ]);
  });

  it('doubles the wait after each failed attempt up to the cap', () => {
    const w = { backoffBaseMs: 30_000, backoffMaxMs: 3_600_000 };
    expect([1, 2, 3, 4, 8, 9, 50].map((n) => backoffMs(n, w))).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });
});
