import type { AlertKind, Severity } from '../../lib/domain/index.ts';
import type { Alert, Audience, NotificationEvent } from '../alerts/index.ts';

// Message text, Chinese and English (docs/notify.md "Message format"). Every message carries
// both languages: the recipient's locale first (managers.locale; customers get Chinese first),
// the other below, so a forwarded message still reads for everyone. Pure functions.

export type Locale = 'zh' | 'en';

/** Names as on the meter's event list (domain.md §4) and in the dashboard. */
export const KIND_TEXT: Record<AlertKind, { zh: string; en: string }> = {
  under_voltage: { zh: '欠压', en: 'Under-voltage' },
  over_voltage: { zh: '过压', en: 'Over-voltage' },
  loss_of_voltage: { zh: '失压', en: 'Loss of voltage' },
  phase_break: { zh: '断相', en: 'Phase break' },
  voltage_unbalance: { zh: '电压不平衡', en: 'Voltage unbalance' },
  current_unbalance: { zh: '电流不平衡', en: 'Current unbalance' },
  low_power_factor: { zh: '功率因数偏低', en: 'Low power factor' },
  over_compensation: { zh: '无功过补偿', en: 'Over-compensation' },
  over_demand: { zh: '需量超限', en: 'Demand above cap' },
  reverse_power: { zh: '功率反向', en: 'Reverse power' },
  communication_lost: { zh: '通信中断', en: 'Communication lost' },
  stale_values: { zh: '数据冻结', en: 'Frozen values' },
  abnormal_consumption: { zh: '用电异常', en: 'Abnormal consumption' },
};

export const SEVERITY_TEXT: Record<Severity, { zh: string; en: string }> = {
  critical: { zh: '紧急', en: 'critical' },
  major: { zh: '重要', en: 'major' },
  minor: { zh: '一般', en: 'minor' },
  info: { zh: '提示', en: 'info' },
};

export const EVENT_TEXT: Record<NotificationEvent, { zh: string; en: string }> = {
  opened: { zh: '告警', en: 'ALERT' },
  cleared: { zh: '已恢复', en: 'CLEARED' },
  escalated: { zh: '升级', en: 'ESCALATED' },
  acknowledged: { zh: '已确认', en: 'ACKNOWLEDGED' },
  resolved: { zh: '已关闭', en: 'RESOLVED' },
};

const CHINA_OFFSET_MS = 8 * 3_600_000; // China Standard Time, UTC+8, no daylight saving (domain.md §6)

/** `2026-03-02 10:01:00` in China Standard Time. */
export function formatChinaTime(date: Date): string {
  return new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function alertLink(publicUrl: string, alertId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/alerts/${alertId}`;
}

const round = (v: number) => Number(v.toPrecision(4)).toString();

/** "measured vs limit" from the core's evidence (alert-tracker.ts conditionEvidence). */
function measurement(alert: Alert, locale: Locale): string | null {
  const e = alert.evidence;
  if (alert.kind === 'communication_lost' && typeof e.lastSeenAt === 'string') {
    const last = formatChinaTime(new Date(e.lastSeenAt));
    return locale === 'zh'
      ? `最后读数 ${last}（超时 ${String(e.timeoutS)} 秒）`
      : `last reading ${last} (timeout ${String(e.timeoutS)} s)`;
  }
  if (typeof e.measured !== 'number' || typeof e.limit !== 'number') return null;
  const unit = typeof e.unit === 'string' ? ` ${e.unit}` : '';
  return locale === 'zh'
    ? `${round(e.measured)}${unit}（限值 ${round(e.limit)}${unit}）`
    : `${round(e.measured)}${unit} (limit ${round(e.limit)}${unit})`;
}

function phaseText(alert: Alert, locale: Locale): string {
  if (!alert.phase) return '';
  return locale === 'zh' ? `（${alert.phase}相）` : ` (phase ${alert.phase})`;
}

export interface RenderOptions {
  publicUrl: string;
  /** the escalation limit that was exceeded, for escalated messages */
  escalationMinutes?: number;
}

function section(
  alert: Alert,
  event: NotificationEvent,
  audience: Audience,
  locale: Locale,
  options: RenderOptions,
): string[] {
  const kind = KIND_TEXT[alert.kind][locale] + phaseText(alert, locale);
  const sev = SEVERITY_TEXT[alert.severity][locale];
  const m = measurement(alert, locale);
  const zh = locale === 'zh';
  const lines: string[] = [];
  if (audience === 'customer') {
    lines.push(
      zh
        ? `尊敬的客户：贵单位计量点 ${alert.meter.code} 出现${kind}，发生时间 ${formatChinaTime(alert.openedAt)}（北京时间）。`
        : `Dear customer, metering point ${alert.meter.code} shows ${kind.toLowerCase()} since ${formatChinaTime(alert.openedAt)} China Standard Time.`,
    );
    if (m) lines.push(zh ? `测量值 ${m}。` : `Measured ${m}.`);
    lines.push(
      zh
        ? `您的客户经理 ${alert.manager.name} 将与您联系。`
        : `Your account manager ${alert.manager.name} will contact you.`,
    );
    return lines;
  }
  if (event === 'escalated') {
    lines.push(
      zh
        ? `该告警 ${options.escalationMinutes ?? ''} 分钟内未被客户经理 ${alert.manager.name} 确认，现升级给您。`
        : `Not acknowledged by account manager ${alert.manager.name} within ${options.escalationMinutes ?? ''} minutes; escalated to you.`,
    );
  }
  lines.push(`${zh ? '事件' : 'Event'}: ${EVENT_TEXT[event][locale]} — ${kind}`);
  lines.push(`${zh ? '级别' : 'Severity'}: ${sev}`);
  lines.push(
    `${zh ? '客户' : 'Account'}: ${alert.account.name} (${alert.account.code}, ${zh ? '等级' : 'tier'} ${alert.account.tier})`,
  );
  lines.push(`${zh ? '计量点' : 'Meter'}: ${alert.meter.code}${alert.meter.name ? ` — ${alert.meter.name}` : ''}`);
  if (m) lines.push(`${zh ? '测量值' : 'Measured'}: ${m}`);
  lines.push(
    `${zh ? '发生时间' : 'Opened'}: ${formatChinaTime(alert.openedAt)} ${zh ? '（北京时间）' : 'China Standard Time (UTC+8)'}`,
  );
  if (event === 'cleared' && alert.clearedAt) {
    lines.push(
      `${zh ? '恢复时间' : 'Cleared'}: ${formatChinaTime(alert.clearedAt)} ${zh ? '（北京时间）' : 'China Standard Time (UTC+8)'}`,
    );
  }
  if (event === 'acknowledged' && alert.acknowledgedBy)
    lines.push(`${zh ? '确认人' : 'Acknowledged by'}: ${alert.acknowledgedBy}`);
  if (event === 'resolved' && alert.resolvedBy) {
    lines.push(
      `${zh ? '关闭人' : 'Resolved by'}: ${alert.resolvedBy}${alert.resolutionNote ? ` — ${alert.resolutionNote}` : ''}`,
    );
  }
  lines.push(`${zh ? '客户经理' : 'Account manager'}: ${alert.manager.name}`);
  lines.push(`${zh ? '详情' : 'Details'}: ${alertLink(options.publicUrl, alert.id)}`);
  return lines;
}

export function localeFor(alert: Alert, audience: Audience): Locale {
  return audience === 'customer' ? 'zh' : alert.manager.locale;
}

/** Subject and plain-text body of an email: recipient's language first, then the other. */
export function renderAlertEmail(
  alert: Alert,
  event: NotificationEvent,
  audience: Audience,
  options: RenderOptions,
): { subject: string; text: string } {
  const first = localeFor(alert, audience);
  const second: Locale = first === 'zh' ? 'en' : 'zh';
  const kinds = `${KIND_TEXT[alert.kind][first]} ${KIND_TEXT[alert.kind][second]}`;
  const phase = alert.phase ? (first === 'zh' ? ` ${alert.phase}相` : ` phase ${alert.phase}`) : '';
  const tag =
    audience === 'customer'
      ? first === 'zh'
        ? '【用电提醒 Notice】'
        : '[Notice 用电提醒] '
      : first === 'zh'
        ? `【${EVENT_TEXT[event].zh}·${SEVERITY_TEXT[alert.severity].zh} ${EVENT_TEXT[event].en}·${alert.severity}】`
        : `[${EVENT_TEXT[event].en} · ${alert.severity} ${EVENT_TEXT[event].zh}·${SEVERITY_TEXT[alert.severity].zh}] `;
  const subject = `${tag}${kinds}${phase} — ${alert.account.name} / ${alert.meter.code}`;
  const divider = second === 'en' ? '—— English ——' : '—— 中文 ——';
  const text = [
    ...section(alert, event, audience, first, options),
    '',
    divider,
    ...section(alert, event, audience, second, options),
    '',
    audience === 'customer' ? '' : `Key-Account Monitor · ${alert.alertKey ?? `alert ${alert.id}`}`,
  ]
    .join('\n')
    .trimEnd();
  return { subject, text: `${text}\n` };
}

/** One SMS: short, both languages (recipient's first), with the dashboard link for staff. */
export function renderAlertSms(
  alert: Alert,
  event: NotificationEvent,
  audience: Audience,
  options: RenderOptions,
): string {
  const first = localeFor(alert, audience);
  const time = formatChinaTime(alert.openedAt).slice(5, 16);
  const zh =
    audience === 'customer'
      ? `【用电提醒】${alert.account.name} 计量点 ${alert.meter.code} ${KIND_TEXT[alert.kind].zh}，${time}。客户经理 ${alert.manager.name} 将与您联系。`
      : `【KAM ${EVENT_TEXT[event].zh}·${SEVERITY_TEXT[alert.severity].zh}】${alert.account.name} ${alert.meter.code} ${KIND_TEXT[alert.kind].zh}${alert.phase ? ` ${alert.phase}相` : ''} ${time}`;
  const en =
    audience === 'customer'
      ? `[Notice] ${alert.meter.code}: ${KIND_TEXT[alert.kind].en}, ${time} CST.`
      : `[KAM ${EVENT_TEXT[event].en} ${alert.severity}] ${KIND_TEXT[alert.kind].en}${alert.phase ? ` phase ${alert.phase}` : ''} ${alert.meter.code} ${time} CST`;
  const link = audience === 'customer' ? '' : ` ${alertLink(options.publicUrl, alert.id)}`;
  return `${first === 'zh' ? `${zh} / ${en}` : `${en} / ${zh}`}${link}`;
}
