// Acceptance scenario of the rules issue, end to end: simulated meters with injected faults →
// ingest (Modbus TCP through a simulated gateway, MQTT JSON and Sparkplug B through an embedded
// broker) → embedded TimescaleDB → rules service → notifier → a real SMTP server. The alerts are
// scored against the simulators' ground truth: every fault that should alert raises exactly one
// alert of its kind on its meter, mailed to the account's manager; the faults that should not
// alert leave quality flags and dead letters instead; and a clean simulated day raises nothing.
//
// Time: everything runs on simulated time in lock-step (support/monitored-fleet.ts), one
// simulated minute per step, so hours take seconds and a busy CI machine cannot create gaps.
// The rules run with the PRODUCTION delays for every kind (rulesConfigSchema defaults, no test
// RulesConfig): 60 s for the voltage, unbalance and reverse-power events, 900 s for stale values
// and over-compensation, 3600 s for low power factor, one 15-minute block for over-demand, and
// the 300 s communication timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY } from '../../lib/domain/index.ts';
import { KIND_TEXT } from '../../services/notify/index.ts';
import type { AlertKind } from '../../lib/domain/index.ts';
import { listAlerts, type Alert as AlertRecord } from '../../services/alerts/index.ts';
import type { FaultKind, GroundTruthEntry } from '../../simulators/index.ts';
import { parseMail } from '../support/local-servers.ts';
import { managerEmailByMeter, startMonitoredFleet, type MonitoredFleet } from './support/monitored-fleet.ts';

/** The alert each fault kind must raise; `null`: it must raise none. */
const EXPECTED_ALERT: Record<FaultKind, AlertKind | null> = {
  under_voltage: 'under_voltage',
  over_voltage: 'over_voltage',
  loss_of_voltage: 'loss_of_voltage',
  phase_break: 'phase_break',
  voltage_unbalance: 'voltage_unbalance',
  current_unbalance: 'current_unbalance',
  low_power_factor: 'low_power_factor',
  over_compensation: 'over_compensation',
  over_demand: 'over_demand',
  reverse_power: 'reverse_power',
  // no reading for longer than the communication timeout (300 s)
  not_answering: 'communication_lost',
  // every request refused: no reading at all, the same gap as a silent meter
  modbus_exception: 'communication_lost',
  stale_values: 'stale_values',
  // energy counters: flagged COUNTER_RESET by ingest, never an alert
  counter_rollover: null,
  meter_replacement: null,
  // unusable payloads become dead letters; kept shorter than the communication timeout, since a
  // meter that sends nothing usable for longer than that has in effect lost communication
  malformed_payload: null,
};

/** Monday 2026-03-02 08:00 China Standard Time: the working day's load is up. */
const FAULT_RUN_START = Date.parse('2026-03-02T08:00:00+08:00');
const FAULT_RUN_HOURS = 4;

/**
 * Every fault kind on the demo fleet (fleet/demo-fleet.json), most of them on more than one
 * meter and protocol. Meters: Modbus/Acrel huaxin-main-110kv (110 kV), huaxin-eaf-10kv,
 * donghai-main-35kv (35 kV), cloudgate-in-a/-b, hospital-main, polar-main, precision-main
 * (10 kV); Modbus/SDM630 hospital-icu-lv, polar-compressors, greenleaf-main (380 V); MQTT JSON
 * cloudgate-ups (380 V), riverside-main (10 kV); Sparkplug B donghai-cracker (10 kV),
 * riverside-hvac (380 V). Starts are seconds after 08:00, on 15-minute block boundaries.
 */
const FAULT_SCENARIO = {
  name: 'e2e fault detection',
  seed: 20260302,
  faults: [
    // 08:30 – first wave
    { id: 'uv-hospital', meter: 'hospital-main', kind: 'under_voltage', start: 1800, durationS: 900 },
    {
      id: 'uv-riverside-a',
      meter: 'riverside-main',
      kind: 'under_voltage',
      start: 1800,
      durationS: 900,
      params: { phase: 'A' },
    },
    { id: 'ov-donghai-35kv', meter: 'donghai-main-35kv', kind: 'over_voltage', start: 1800, durationS: 900 },
    {
      id: 'ov-polar-comp-a',
      meter: 'polar-compressors',
      kind: 'over_voltage',
      start: 1800,
      durationS: 900,
      params: { phase: 'A', depthPct: 10 },
    },
    {
      id: 'lov-cloudgate-b',
      meter: 'cloudgate-in-b',
      kind: 'loss_of_voltage',
      start: 1800,
      durationS: 900,
      params: { phase: 'B' },
    },
    {
      id: 'break-polar-c',
      meter: 'polar-main',
      kind: 'phase_break',
      start: 1800,
      durationS: 900,
      params: { phase: 'C' },
    },
    {
      id: 'break-hvac-a',
      meter: 'riverside-hvac',
      kind: 'phase_break',
      start: 1800,
      durationS: 900,
      params: { phase: 'A' },
    },
    {
      id: 'vunb-huaxin',
      meter: 'huaxin-main-110kv',
      kind: 'voltage_unbalance',
      start: 1800,
      durationS: 1200,
      // ±4 % on a 110 kV supply: ε_U2 ≈ 2.3 % (> 2 %), deviations sum to 8 % (< 10 %, GB/T 12325)
      params: { phase: 'A', unbalancePct: 4 },
    },
    {
      id: 'iunb-cloudgate-a',
      meter: 'cloudgate-in-a',
      kind: 'current_unbalance',
      start: 1800,
      durationS: 1200,
      params: { phase: 'A', unbalancePct: 40 },
    },
    {
      id: 'lowpf-precision',
      meter: 'precision-main',
      kind: 'low_power_factor',
      start: 1800,
      durationS: 5400,
      params: { pf: 0.72 },
    },
    {
      id: 'lowpf-cracker',
      meter: 'donghai-cracker',
      kind: 'low_power_factor',
      start: 1800,
      durationS: 5400,
      params: { pf: 0.72 },
    },
    {
      id: 'overcomp-greenleaf',
      meter: 'greenleaf-main',
      kind: 'over_compensation',
      start: 1800,
      durationS: 2700,
      params: { pf: 0.8, loadPct: 15 },
    },
    {
      id: 'demand-eaf',
      meter: 'huaxin-eaf-10kv',
      kind: 'over_demand',
      start: 1800,
      durationS: 2700,
      params: { loadPct: 125 },
    },
    {
      id: 'revp-icu-a',
      meter: 'hospital-icu-lv',
      kind: 'reverse_power',
      start: 1800,
      durationS: 1800,
      params: { phase: 'A' },
    },
    { id: 'garbage-ups', meter: 'cloudgate-ups', kind: 'malformed_payload', start: 1800, durationS: 180 },
    // 09:00 – 10:30 – second wave, on other meters or after the first fault there has cleared
    { id: 'revp-ups', meter: 'cloudgate-ups', kind: 'reverse_power', start: 3600, durationS: 1800 },
    { id: 'silent-icu', meter: 'hospital-icu-lv', kind: 'not_answering', start: 5400, durationS: 900 },
    { id: 'silent-hvac', meter: 'riverside-hvac', kind: 'not_answering', start: 5400, durationS: 900 },
    {
      id: 'failure-cloudgate-b',
      meter: 'cloudgate-in-b',
      kind: 'modbus_exception',
      start: 5400,
      durationS: 900,
      params: { exceptionCode: 4 },
    },
    { id: 'stale-hospital', meter: 'hospital-main', kind: 'stale_values', start: 5400, durationS: 1800 },
    { id: 'stale-ups', meter: 'cloudgate-ups', kind: 'stale_values', start: 7200, durationS: 1800 },
    {
      id: 'iunb-polar-comp-b',
      meter: 'polar-compressors',
      kind: 'current_unbalance',
      start: 5400,
      durationS: 1200,
      params: { phase: 'B', unbalancePct: 45 },
    },
    {
      id: 'demand-riverside',
      meter: 'riverside-main',
      kind: 'over_demand',
      start: 5400,
      durationS: 2700,
      params: { loadPct: 125 },
    },
    {
      id: 'rollover-huaxin',
      meter: 'huaxin-main-110kv',
      kind: 'counter_rollover',
      start: 5400,
      durationS: 1800,
      params: { counter: 'importKwh' },
    },
    { id: 'replaced-polar', meter: 'polar-main', kind: 'meter_replacement', start: 5400, durationS: 900 },
    {
      id: 'garbage-cracker',
      meter: 'donghai-cracker',
      kind: 'malformed_payload',
      start: 9000,
      durationS: 180,
      params: { variant: 'cycle' },
    },
  ],
} as const;

// Issues this test found and that were fixed at their root (kept as the reason for checks below):
// - the simulated sites' power factor was modelled before compensation, below every tariff
//   target (simulators/load-profiles.ts now models compensated sites);
// - an unbalance that keeps the phase voltages inside ±7 % never reached a 4 % ε_U2 trigger (the
//   rule now follows GB/T 15543's 2 % limit over ten minutes);
// - counter jumps (frozen meter catching up, register set near its maximum) were taken as block
//   energy and opened over_demand (blocks are now checked against the power readings).
/** Alert kinds that name the faulted phase (the element whose voltage or power is off). */
const PHASE_NAMED: ReadonlySet<AlertKind> = new Set(['phase_break', 'loss_of_voltage']);

interface Mail {
  to: string[];
  subject: string;
  key: string;
  text: string;
}

function mailsOf(f: MonitoredFleet): Mail[] {
  return f.smtp.messages.map((m) => {
    const { headers, text } = parseMail(m.raw);
    return { to: m.to, subject: headers.subject ?? '', key: headers['x-kam-idempotency-key'] ?? '', text };
  });
}

describe('fault detection: simulators → ingest → rules → notifier, scored against the ground truth', () => {
  let f: MonitoredFleet;
  let truth: readonly GroundTruthEntry[];
  let alerts: AlertRecord[];
  let managerOf: Record<string, string>;

  beforeAll(async () => {
    f = await startMonitoredFleet({ startMs: FAULT_RUN_START, scenario: FAULT_SCENARIO });
    await f.runUntil(FAULT_RUN_START + FAULT_RUN_HOURS * 3_600_000);
    await f.settle();
    truth = f.sim.truth();
    alerts = await listAlerts(f.db, { limit: 1000 });
    managerOf = managerEmailByMeter(f.fleet);
  }, 150_000);

  afterAll(async () => {
    await f?.close();
  });

  it('injected every fault of the scenario, covering every fault kind', () => {
    expect(truth.map((t) => t.id).sort()).toEqual(FAULT_SCENARIO.faults.map((x) => x.id).sort());
    expect(new Set(truth.map((t) => t.kind))).toEqual(new Set(Object.keys(EXPECTED_ALERT)));
  });

  const describeAlert = (a: AlertRecord) =>
    `${a.meter.code} ${a.kind}${a.phase ? ` ${a.phase}` : ''} ${a.openedAt.toISOString()}`;
  /** Faults that should alert, each with the alerts of its kind on its meter (all, and in its window). */
  const scored = () =>
    truth
      .filter((fault) => EXPECTED_ALERT[fault.kind] !== null)
      .map((fault) => {
        const kind = EXPECTED_ALERT[fault.kind]!;
        const start = Date.parse(fault.start);
        const end = Date.parse(fault.end);
        const matching = alerts.filter((a) => a.meter.code === fault.meter && a.kind === kind);
        // over-demand opens at the start of its 15-minute block; everything else after its delay
        const inWindow = matching.filter(
          (a) => a.openedAt.getTime() >= start - 15 * 60_000 && a.openedAt.getTime() < end,
        );
        return { fault, kind, matching, inWindow };
      });

  it('raises exactly one alert of the right kind on the right meter for every fault that should alert', () => {
    const problems: string[] = [];
    for (const { fault, kind, matching, inWindow } of scored()) {
      if (inWindow.length !== 1 || matching.length !== 1) {
        problems.push(
          `${fault.id} (${fault.kind} on ${fault.meter}): ${matching.map(describeAlert).join(', ') || 'no alert'}`,
        );
      }
      if (PHASE_NAMED.has(kind) && fault.phase) {
        for (const a of inWindow) expect(a.phase, `${fault.id} phase`).toBe(fault.phase);
      }
    }
    expect(problems, 'faults without exactly one matching alert').toEqual([]);
  });

  it('raises no alert that no injected fault explains (no false alarm beside the faults)', () => {
    const explained = new Set(scored().flatMap((s) => s.matching));
    const unexplained = alerts.filter((a) => !explained.has(a));
    expect(unexplained.map(describeAlert)).toEqual([]);
  });

  it('auto-resolves every alert of an injected fault once the fault is over', () => {
    const explained = scored().flatMap((x) => x.inWindow);
    expect(explained.length).toBeGreaterThan(0);
    for (const a of explained) {
      expect(a.clearedAt, describeAlert(a)).not.toBeNull();
      expect(a.state).toBe('resolved');
    }
  });

  it("mails every alert once to the account's manager, naming the kind and the meter", () => {
    const mails = mailsOf(f);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      const manager = managerOf[a.meter.code]!;
      // customers of accounts with notify_customer also get over-demand (docs/notify.md routing)
      const opened = mails.filter((m) => m.key.startsWith(`alert:${a.id}:opened:`) && m.to.includes(manager));
      expect(opened, `${a.meter.code} ${a.kind}`).toHaveLength(1);
      const [mail] = opened;
      expect(mail!.to).toEqual([manager]);
      expect(mail!.key).toBe(`alert:${a.id}:opened:email:${manager}`);
      expect(mail!.subject).toContain(a.meter.code);
      expect(mail!.subject).toContain(KIND_TEXT[a.kind].en);
      expect(mail!.subject).toContain(KIND_TEXT[a.kind].zh);
      expect(mail!.text).toContain(`/alerts/${a.id}`);
    }
    // nothing mailed for an alert that does not exist, nothing sent twice
    const ids = new Set(alerts.map((a) => a.id));
    for (const m of mails) expect(ids.has(Number(m.key.split(':')[1])), m.key).toBe(true);
    expect(new Set(mails.map((m) => m.key)).size).toBe(mails.length);
  });

  it('flags counter rollover and meter replacement as counter resets instead of alerting', async () => {
    for (const fault of truth.filter((t) => t.kind === 'counter_rollover' || t.kind === 'meter_replacement')) {
      const { rows } = await f.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM readings
          WHERE meter_id = $1 AND ts >= $2 AND ts < $3 AND quality & $4 <> 0`,
        [f.meterIds[fault.meter], new Date(fault.start), new Date(fault.end), QUALITY.COUNTER_RESET],
      );
      expect(rows[0]!.n, `${fault.id}: readings flagged COUNTER_RESET`).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps malformed payloads as dead letters instead of alerting', async () => {
    for (const fault of truth.filter((t) => t.kind === 'malformed_payload')) {
      const topic = f.sim.endpoints.find((e) => e.code === fault.meter);
      expect(topic?.protocol).toBe('mqtt');
      const { rows } = await f.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM dead_letters
          WHERE source = 'mqtt' AND topic = $1 AND received_at >= $2 AND received_at < $3`,
        [
          topic!.protocol === 'mqtt' ? topic!.topic : '',
          new Date(fault.start),
          new Date(Date.parse(fault.end) + 60_000),
        ],
      );
      // one reading slot per simulated minute; on Sparkplug one of the cycled variants (no
      // timestamp) is still a reading, stored at its arrival time (QUALITY.ARRIVAL_TIME)
      expect(rows[0]!.n, `${fault.id}: dead letters`).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('a clean simulated day of the same fleet', () => {
  // Monday 00:00 to Tuesday 00:00 China Standard Time: night base load, shifts, peaks.
  const CLEAN_START = Date.parse('2026-03-09T00:00:00+08:00');
  let f: MonitoredFleet;

  beforeAll(async () => {
    f = await startMonitoredFleet({ startMs: CLEAN_START, evaluateEveryMs: 15 * 60_000 });
    await f.runUntil(CLEAN_START + 24 * 3_600_000);
    await f.settle();
  }, 150_000);

  afterAll(async () => {
    await f?.close();
  });

  it('raises no alert and sends no mail', async () => {
    const { rows } = await f.db.query<{ n: number; meters: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT meter_id)::int AS meters FROM readings',
    );
    // every meter reported all day (one reading per simulated minute)
    expect(rows[0]!.meters).toBe(Object.keys(f.meterIds).length);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(Object.keys(f.meterIds).length * 24 * 60);
    const alerts = await listAlerts(f.db, { limit: 1000 });
    expect(alerts.map((a) => `${a.meter.code} ${a.kind} ${a.openedAt.toISOString()}`)).toEqual([]);
    expect(f.smtp.messages).toEqual([]);
  });
});
