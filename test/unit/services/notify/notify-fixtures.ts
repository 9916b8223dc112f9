import type { Alert } from '../../../../services/alerts/index.ts';

/** A tier A phase break on a zh manager's account; override what a case needs. */
export function notifiableAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 42,
    alertKey: '7:phase_break:2026-03-02T02:01:00.000Z',
    kind: 'phase_break',
    phase: 'B',
    severity: 'critical',
    state: 'open',
    openedAt: new Date('2026-03-02T02:01:00Z'),
    clearedAt: null,
    raisedAt: new Date('2026-03-02T02:01:05Z'),
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    resolutionNote: null,
    escalatedAt: null,
    escalatedTo: null,
    evidence: { channel: 'B', measured: 2.3, limit: 60, recoveryLimit: 60, unit: '% Un' },
    meter: { id: 7, code: 'hospital-icu-lv', name: 'ICU low-voltage board' },
    account: {
      id: 3,
      code: 'city-hospital',
      name: '市第一人民医院 City First People’s Hospital',
      tier: 'A',
      notifyCustomer: true,
      customerEmail: 'facilities@hospital.example',
      customerPhone: '+86 21 0000 1000',
    },
    manager: {
      id: 2,
      code: 'chen-jing',
      name: '陈静 Chen Jing',
      email: 'chen.jing@grid.example',
      phone: '+86 138 0000 0002',
      locale: 'zh',
      escalation: { name: '赵强 Zhao Qiang', email: 'zhao.qiang@grid.example', phone: '+86 138 0000 0101' },
    },
    ...overrides,
  };
}
