import { describe, expect, it } from 'vitest';
import { formatChinaTime, renderAlertEmail, renderAlertSms } from '../../../../services/notify/index.ts';
import { notifiableAlert } from './notify-fixtures.ts';

const options = { publicUrl: 'https://kam.example.cn', escalationMinutes: 15 };

describe('alert message text', () => {
  it('writes times in China Standard Time (UTC+8, no daylight saving)', () => {
    expect(formatChinaTime(new Date('2026-03-02T02:01:00Z'))).toBe('2026-03-02 10:01:00');
    expect(formatChinaTime(new Date('2026-07-01T16:30:00Z'))).toBe('2026-07-02 00:30:00');
  });

  it('puts the manager’s language first and the other below, with kind, phase, meter, account, measured vs limit, time and link', () => {
    const { subject, text } = renderAlertEmail(notifiableAlert(), 'opened', 'manager', options);
    expect(subject).toBe(
      '【告警·紧急 ALERT·critical】断相 Phase break B相 — 市第一人民医院 City First People’s Hospital / hospital-icu-lv',
    );
    const [zh, en] = text.split('—— English ——');
    expect(zh!.split('\n').slice(0, 8)).toEqual([
      '事件: 告警 — 断相（B相）',
      '级别: 紧急',
      '客户: 市第一人民医院 City First People’s Hospital (city-hospital, 等级 A)',
      '计量点: hospital-icu-lv — ICU low-voltage board',
      '测量值: 2.3 % Un（限值 60 % Un）',
      '发生时间: 2026-03-02 10:01:00 （北京时间）',
      '客户经理: 陈静 Chen Jing',
      '详情: https://kam.example.cn/alerts/42',
    ]);
    expect(en).toContain('Event: ALERT — Phase break (phase B)');
    expect(en).toContain('Measured: 2.3 % Un (limit 60 % Un)');
    expect(en).toContain('Opened: 2026-03-02 10:01:00 China Standard Time (UTC+8)');
    expect(en).toContain('Details: https://kam.example.cn/alerts/42');
  });

  it('starts with English for an English-speaking manager', () => {
    const alert = notifiableAlert({ manager: { ...notifiableAlert().manager, locale: 'en' } });
    const { subject, text } = renderAlertEmail(alert, 'cleared', 'manager', options);
    expect(subject.startsWith('[CLEARED · critical 已恢复·紧急] Phase break 断相 phase B')).toBe(true);
    expect(text.indexOf('Event: CLEARED')).toBeLessThan(text.indexOf('事件: 已恢复'));
  });

  it('tells the escalation contact why it reached them', () => {
    const { text } = renderAlertEmail(notifiableAlert(), 'escalated', 'escalation', options);
    expect(text).toContain('该告警 15 分钟内未被客户经理 陈静 Chen Jing 确认，现升级给您。');
    expect(text).toContain('Not acknowledged by account manager 陈静 Chen Jing within 15 minutes; escalated to you.');
  });

  it('describes communication loss by the last reading, and keeps internal links out of customer messages', () => {
    const alert = notifiableAlert({
      kind: 'communication_lost',
      phase: null,
      evidence: { lastSeenAt: '2026-03-02T01:55:00.000Z', timeoutS: 300 },
    });
    expect(renderAlertEmail(alert, 'opened', 'manager', options).text).toContain(
      'Measured: last reading 2026-03-02 09:55:00 (timeout 300 s)',
    );
    const customer = renderAlertEmail(
      notifiableAlert({ kind: 'abnormal_consumption', phase: null }),
      'opened',
      'customer',
      options,
    );
    expect(customer.text).not.toContain('kam.example.cn');
    expect(customer.text).toContain('尊敬的客户');
    expect(renderAlertSms(alert, 'opened', 'customer', options)).not.toContain('kam.example.cn');
  });

  it('fits both languages and the link into one SMS line', () => {
    expect(renderAlertSms(notifiableAlert(), 'opened', 'manager', options)).toBe(
      '【KAM 告警·紧急】市第一人民医院 City First People’s Hospital hospital-icu-lv 断相 B相 03-02 10:01 / ' +
        '[KAM ALERT critical] Phase break phase B hospital-icu-lv 03-02 10:01 CST https://kam.example.cn/alerts/42',
    );
  });
});
