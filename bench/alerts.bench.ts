// `tsx bench/alerts.bench.ts`: how long an injected fault takes to become an alert row and an
// email, on the embedded TimescaleDB with the demo fleet, the rules service and the notifier
// looping as in production (short intervals), and a real local SMTP server.
//
// Time inside the readings is synthetic (a reading every 15 s of meter time, written every
// TICK_MS of wall time), so the rule's own 60 s delay is not in the figures: the clock starts
// when the reading that completes the delay is committed, and stops (1) when the rules service
// has committed the alert row and (2) when the SMTP server has received the manager's email.
// Figures are wall-clock milliseconds, p50/p99 over TRIALS faults; timing lives here, never in
// tests (machines are noisy).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { createPool, type Db, migrate, MIGRATIONS_DIR, startEmbeddedTimescale } from '../lib/db/index.ts';
import { type Clock, systemClock } from '../lib/domain/index.ts';
import { loadFleet, readFleetFile } from '../lib/fleet/index.ts';
import { createNotifier, parseNotifyConfig } from '../services/notify/index.ts';
import { createRulesService } from '../services/rules/index.ts';

const logger = pino({ level: 'silent' });
const TRIALS = 40;
const TICK_MS = 40;
const STEP_S = 15;
/** ticks of fault: the deviation rule opens at the 5th faulty reading (held 60 s), clears after recovery */
const FAULT_TICKS = 8;
/** a new fault starts every this many ticks, on the next meter */
const FAULT_EVERY = 3;

export interface AlertsBenchResult {
  trials: number;
  faultToAlertMs: { p50: number; p99: number; max: number };
  faultToEmailMs: { p50: number; p99: number; max: number };
}

interface Trial {
  meterCode: string;
  startTick: number;
  /** wall time the reading completing the 60 s delay was committed */
  completedAt?: number;
  alertAt?: number;
  emailAt?: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const summary = (xs: number[]) => ({
  p50: Math.round(quantile(xs, 0.5)),
  p99: Math.round(quantile(xs, 0.99)),
  max: Math.round(Math.max(...xs)),
});

export async function runAlertsBench(): Promise<AlertsBenchResult> {
  const embedded = await startEmbeddedTimescale();
  const db: Db = createPool(embedded.url, { max: 1 });
  const emails: { to: string; key: string; at: number }[] = [];
  const smtp = new SMTPServer({
    logger: false,
    // no reverse DNS of the client: on a machine without a resolver it waits for a timeout
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const key = /X-KAM-Idempotency-Key: (\S+)/i.exec(raw)?.[1] ?? '';
        emails.push({ to: session.envelope.rcptTo[0]?.address ?? '', key, at: performance.now() });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const smtpPort = (smtp.server.address() as { port: number }).port;

  try {
    await migrate(db);
    await loadFleet(db, readFleetFile(join(MIGRATIONS_DIR, '..', 'fleet', 'demo-fleet.json')));
    const { rows: meters } = await db.query<{ id: number; code: string; nominal_voltage_v: number }>(
      'SELECT id, code, nominal_voltage_v FROM meters WHERE active ORDER BY id',
    );
    const t0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
    let tick = 0;
    const clock: Clock = { ...systemClock, now: () => t0 + tick * STEP_S * 1000 + 1000 };
    const notify = parseNotifyConfig({ smtp: { host: '127.0.0.1', port: smtpPort }, worker: { intervalMs: 10 } });
    const rules = createRulesService({ db, logger, config: { intervalMs: 10, notify }, clock });
    const notifier = createNotifier({ db, logger, config: notify, clock });
    notifier.start();

    const trials: Trial[] = [];
    const alertIdToTrial = new Map<number, Trial>();
    let running = true;
    const rulesLoop = (async () => {
      while (running) {
        const r = await rules.evaluateOnce();
        const opens = r.transitions.filter((t) => t.type === 'open');
        opens.forEach((t, i) => {
          const code = meters.find((m) => m.id === t.meterId)?.code;
          const trial = trials.find((x) => x.meterCode === code && x.alertAt === undefined && x.completedAt);
          if (trial && r.opened[i] !== undefined) {
            trial.alertAt = performance.now();
            alertIdToTrial.set(r.opened[i]!, trial);
          }
        });
        await new Promise((res) => setTimeout(res, 5));
      }
    })();

    const totalTicks = TRIALS * FAULT_EVERY + FAULT_TICKS + 20;
    for (tick = 0; tick < totalTicks; tick++) {
      if (tick >= 8 && (tick - 8) % FAULT_EVERY === 0 && trials.length < TRIALS) {
        trials.push({ meterCode: meters[trials.length % meters.length]!.code, startTick: tick });
      }
      const rows = meters.map((m, i) => {
        const phaseNominal = m.nominal_voltage_v === 380 ? 220 : m.nominal_voltage_v / Math.sqrt(3);
        const faulty = trials.some(
          (t) => t.meterCode === m.code && tick >= t.startTick && tick < t.startTick + FAULT_TICKS,
        );
        const v = phaseNominal * (faulty ? 0.88 : 1) * (1 + ((tick + i) % 5) * 0.001);
        const values = {
          voltage_a_v: v,
          voltage_b_v: v * 0.999,
          voltage_c_v: v * 1.001,
          current_a_a: 50,
          current_b_a: 50,
          current_c_a: 50,
        };
        return { meter_id: m.id, ts: new Date(t0 + tick * STEP_S * 1000).toISOString(), quality: 0, ...values };
      });
      await db.query(
        `INSERT INTO readings (meter_id, ts, quality, voltage_a_v, voltage_b_v, voltage_c_v, current_a_a, current_b_a, current_c_a)
         SELECT meter_id, ts, quality, voltage_a_v, voltage_b_v, voltage_c_v, current_a_a, current_b_a, current_c_a
           FROM jsonb_to_recordset($1::jsonb) AS r(meter_id int, ts timestamptz, quality smallint, voltage_a_v real,
                voltage_b_v real, voltage_c_v real, current_a_a real, current_b_a real, current_c_a real)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(rows)],
      );
      const committed = performance.now();
      for (const t of trials) if (tick === t.startTick + 4) t.completedAt = committed; // 5th faulty reading = held 60 s
      await new Promise((res) => setTimeout(res, TICK_MS));
    }
    // let the pipeline drain (bounded)
    for (let i = 0; i < 200 && trials.some((t) => t.alertAt === undefined || t.emailAt === undefined); i++) {
      for (const e of emails) {
        const id = /^alert:(\d+):opened:email:/.exec(e.key)?.[1];
        const trial = id ? alertIdToTrial.get(Number(id)) : undefined;
        if (trial && trial.emailAt === undefined) trial.emailAt = e.at;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    running = false;
    await rulesLoop;
    await notifier.stop();

    const done = trials.filter((t) => t.completedAt && t.alertAt && t.emailAt);
    const result: AlertsBenchResult = {
      trials: done.length,
      faultToAlertMs: summary(done.map((t) => t.alertAt! - t.completedAt!)),
      faultToEmailMs: summary(done.map((t) => t.emailAt! - t.completedAt!)),
    };
    console.log(
      `${done.length}/${trials.length} faults: fault→alert row p50 ${result.faultToAlertMs.p50} ms, p99 ${result.faultToAlertMs.p99} ms; ` +
        `fault→email p50 ${result.faultToEmailMs.p50} ms, p99 ${result.faultToEmailMs.p99} ms ` +
        `(rules and notifier loops every 10 ms; production default 5 s each adds up to that much)`,
    );
    return result;
  } finally {
    await new Promise<void>((r) => smtp.close(() => r()));
    await db.end();
    await embedded.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAlertsBench();
}
