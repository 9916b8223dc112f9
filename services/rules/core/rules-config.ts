import { z } from 'zod';
import { parseSettings } from '../../../lib/domain/index.ts';
import { ALERT_KINDS, type AlertKind, SEVERITIES, type Severity } from './alert-kinds.ts';

// Thresholds, delays and severities of the rules service. Every default is cited:
// "domain.md §n" is /work/shared/docs/domain.md (the project's domain reference); "project
// default" marks a number that domain.md leaves open and that we chose, with the reason.
// Nested objects use `.prefault({})` so a partial config still gets every inner default (zod 4
// returns a `.default()` value as-is without parsing it).

const pct = z.number().min(0).max(1000);
const seconds = z
  .number()
  .min(0)
  .max(7 * 86_400);

/** How long a condition must hold before `open`, and its recovery before `clear`. */
const timing = (triggerS: number, clearS: number) =>
  z.object({ triggerS: seconds.default(triggerS), clearS: seconds.default(clearS) }).prefault({});

const durationsSchema = z
  .object({
    // domain.md §4: "every event must hold for its delay before it triggers", default 60 s.
    // The recovery delay is not given there; project default 60 s, symmetrical, so one good
    // reading inside a fault does not clear it.
    loss_of_voltage: timing(60, 60),
    phase_break: timing(60, 60),
    current_unbalance: timing(60, 60),
    reverse_power: timing(60, 60),
    // GB/T 12325 deviation: project default 60 s, the same as the meter's under/over-voltage
    // events (domain.md §4), so a motor start does not raise a voltage alert.
    under_voltage: timing(60, 60),
    over_voltage: timing(60, 60),
    // GB/T 15543 judges 10-minute values (see voltageUnbalance below); clears after 60 s.
    voltage_unbalance: timing(600, 60),
    // domain.md §3 over-compensation has no delay; project default 15 min (one demand block,
    // domain.md §6) so a capacitor stage switching out does not alert.
    over_compensation: timing(900, 900),
    // domain.md §3 PF is a billing quantity; alerting on one 15-min block would be noise.
    // Project default: four consecutive blocks (1 h) below target; the window starts at the
    // first low block's start, so 3600 s = exactly four blocks.
    low_power_factor: timing(3600, 900),
    // domain.md §6: demand is already a 15-minute average; one block above the cap opens,
    // one block back under it clears.
    over_demand: timing(0, 0),
    // domain.md §6 slots are 15 min. Two abnormal slots in a row open (a single odd quarter hour
    // is a machine start, not a pattern: project default); one normal slot clears.
    abnormal_consumption: timing(1800, 0),
    // stale/frozen: identical values for 15 min (one demand block, project default; domain.md
    // §6 and lib/domain/reading.ts QUALITY.STALE "longer than expected"). One changed
    // reading proves the meter is alive again: clear at once.
    stale_values: timing(900, 0),
  })
  .prefault({});

const severityRow = z.object({ A: z.enum(SEVERITIES), B: z.enum(SEVERITIES), C: z.enum(SEVERITIES) });

/**
 * Severity by kind and tier (tier 'potential' and 'none' use column C). Project defaults,
 * following domain.md §1: phase loss is a metering-department fault that hits billing and
 * supply, so it is the most severe; tariff matters (PF, consumption) are the least.
 */
export const DEFAULT_SEVERITY: Record<AlertKind, { A: Severity; B: Severity; C: Severity }> = {
  phase_break: { A: 'critical', B: 'critical', C: 'major' },
  loss_of_voltage: { A: 'critical', B: 'major', C: 'major' },
  under_voltage: { A: 'major', B: 'minor', C: 'minor' },
  over_voltage: { A: 'major', B: 'minor', C: 'minor' },
  voltage_unbalance: { A: 'major', B: 'minor', C: 'minor' },
  reverse_power: { A: 'major', B: 'major', C: 'minor' },
  over_demand: { A: 'major', B: 'major', C: 'minor' },
  communication_lost: { A: 'major', B: 'minor', C: 'minor' },
  stale_values: { A: 'major', B: 'minor', C: 'minor' },
  current_unbalance: { A: 'minor', B: 'minor', C: 'info' },
  low_power_factor: { A: 'minor', B: 'minor', C: 'info' },
  over_compensation: { A: 'minor', B: 'minor', C: 'info' },
  abnormal_consumption: { A: 'minor', B: 'info', C: 'info' },
};

const severitySchema = z
  .object(
    Object.fromEntries(ALERT_KINDS.map((k) => [k, severityRow.default(DEFAULT_SEVERITY[k])])) as {
      [K in AlertKind]: z.ZodDefault<typeof severityRow>;
    },
  )
  .prefault({});

export const rulesConfigSchema = z.object({
  durations: durationsSchema,

  voltageDeviation: z
    .object({
      /** domain.md §2: supplies of 35 kV and above use the sum rule */
      sumRuleFromKv: z.number().positive().default(35),
      /** domain.md §2 (GB/T 12325-2008): ≥35 kV, |positive| + |negative| deviation ≤ 10 % */
      sumLimitPct: pct.default(10),
      /** domain.md §2: ≤20 kV three-phase ±7 % */
      threePhaseLimitPct: pct.default(7),
      /** domain.md §2: 220 V single-phase +7 % / −10 % */
      singlePhaseUpperPct: pct.default(7),
      singlePhaseLowerPct: pct.default(10),
      /**
       * Project default: recovery is 1 percentage point inside the limit (±7 % trips at 7.01 %,
       * clears at ≤ 6 %), so a voltage sitting on the limit does not flap.
       */
      hysteresisPct: pct.default(1),
      /**
       * domain.md §2: time below 0.7 Un (and above 1.2 Un) is "not monitored" for the voltage
       * qualified rate. Below 70 % the deviation rule holds its state instead of opening an
       * under-voltage alert: an outage belongs to loss of voltage / phase break.
       */
      monitoredMinPctUn: pct.default(70),
      monitoredMaxPctUn: pct.default(120),
      /**
       * Split of the ≥35 kV 10 % band into upper/lower limits for the voltage qualified rate
       * (minutes above / below need a side). GB/T 12325 leaves the split to the contract
       * (domain.md §2 "as set in the supply contract"); project default symmetrical ±5 %.
       */
      sumRuleVqrUpperPct: pct.default(5),
      sumRuleVqrLowerPct: pct.default(5),
    })
    .prefault({}),

  lossOfVoltage: z
    .object({
      // domain.md §4 (DL/T 645 firmware defaults): U < 78 % Un while I > 0.5 % Ib; recovers at U ≥ 85 % Un
      triggerPctUn: pct.default(78),
      recoveryPctUn: pct.default(85),
      minCurrentPctIb: pct.default(0.5),
    })
    .prefault({}),

  phaseBreak: z
    .object({
      // domain.md §4: U < 60 % Un and I < 0.5 % Ib; recovers at U ≥ 60 % Un
      triggerPctUn: pct.default(60),
      recoveryPctUn: pct.default(60),
      maxCurrentPctIb: pct.default(0.5),
    })
    .prefault({}),

  voltageUnbalance: z
    .object({
      // domain.md §5 (GB/T 15543-2008): ε_U2 ≤ 2 % normally, ≤ 4 % short-term. The 2 % limit is
      // a statistic of 10-minute values, so the alert trips when ε_U2 stays above 2 % for ten
      // minutes (delays below) and recovers at 1.5 %. Triggering only at the short-term 4 % would
      // miss every unbalance that leaves the phase voltages inside ±7 % (GB/T 12325): ε_U2 ≈
      // 0.58 × the NEMA deviation, so 4 % needs a phase ≈ 7 % off. The meter's 30 % event (§4) is
      // far above both.
      triggerPct: pct.default(2),
      recoveryPct: pct.default(1.5),
    })
    .prefault({}),

  currentUnbalance: z
    .object({
      // domain.md §4: meter event "unbalance rate > 30 %" (a wiring/theft signal)
      triggerPct: pct.default(30),
      // project default: 5 points of hysteresis
      recoveryPct: pct.default(25),
      // project default: below 5 % Ib average (the loss-of-current "loaded" level, domain.md §4)
      // the ratio of small currents is noise, so it is not evaluated
      minAverageCurrentPctIb: pct.default(5),
      // domain.md §4 gives no formula for the meter's "unbalance rate". Project default: the
      // smart-meter convention (Imax − Imin) / Imax; 'nema' = max |I − Iavg| / Iavg (domain.md §5 form).
      method: z.enum(['max_min_over_max', 'nema']).default('max_min_over_max'),
    })
    .prefault({}),

  powerFactor: z
    .object({
      // project default: clear only when PF is 0.02 above target, so a PF hovering on the
      // target (domain.md §3: 0.90 / 0.85 / 0.80) does not flap
      recoveryMargin: z.number().min(0).max(1).default(0.02),
      // project default: blocks with average P below 10 % of the reference load are not
      // judged (at near-zero load the PF is meaningless and is not what the bill weighs)
      minLoadFraction: z.number().min(0).max(1).default(0.1),
    })
    .prefault({}),

  overCompensation: z
    .object({
      // domain.md §3: over-compensation is "typical at light load with fixed capacitors".
      // Instantaneous Q < 0 with P > 0 is judged only when P is at or below this fraction of the
      // reference load (contracted kVA × PF target); at higher load, capacitor switching makes
      // the sign of Q flicker, and the export-kvarh counter (below) catches a sustained case.
      lightLoadFraction: z.number().min(0).max(1).default(0.3),
      // project default dead band: |Q| ≥ 1 % of contracted kVA (and export kvarh growth ≥ the
      // same power over a 15-min block) so meter noise around Q = 0 does not count
      minLeadingKvarFraction: z.number().min(0).max(1).default(0.01),
    })
    .prefault({}),

  demand: z
    .object({
      // domain.md §6: China uses 15-minute block demand on hh:00/15/30/45
      blockMinutes: z.number().int().positive().default(15),
      // domain.md §7 "with a tolerance"; project default 5 % above the cap
      tolerancePct: pct.default(5),
      // project default: a block back at or below the cap itself clears (the tolerance is the hysteresis)
      recoveryPct: pct.default(0),
      // Counter values at block boundaries are linearly interpolated between the two readings
      // around the boundary only if they are at most this far apart; otherwise the block is
      // incomplete and not judged (domain.md §6 "gaps stay empty").
      maxInterpolationGapS: seconds.default(120),
      // A block's counter rise must fit the meter's own power readings (P = dE/dt): above this
      // multiple of ∫P dt, plus a slack for counter resolution (MV meters count in steps of
      // 0.01 kWh × PT × CT, tens of kWh), the rise is a jump (catch-up after frozen values, a
      // register set near its maximum) and the block is not judged. Project defaults.
      counterPowerRatioMax: z.number().min(1).default(1.5),
      counterSlackPctOfBase: pct.default(10),
    })
    .prefault({}),

  reversePower: z
    .object({
      // domain.md §4: active power negative and |P| > 0.5 % of base power
      triggerPctBase: pct.default(0.5),
      // project default: recovers when reverse power is below half the trigger
      recoveryPctBase: pct.default(0.25),
    })
    .prefault({}),

  communication: z
    .object({
      // project default: lost after 4 missed polls, and never sooner than 5 minutes (domain.md
      // §1 targets 100 % remote-reading success; a few jittered polls are not an outage)
      lostAfterPolls: z.number().int().positive().default(4),
      minTimeoutS: seconds.default(300),
    })
    .prefault({}),

  stale: z
    .object({
      // Counters frozen while P is above this share of base power count as stale (domain.md §4
      // uses 0.5 % of base power as the "real load" level for reverse power; same here).
      frozenCounterMinPowerPctBase: pct.default(0.5),
    })
    .prefault({}),

  abnormalConsumption: z
    .object({
      // project default: |z| > 4 opens (≈ 0.006 % of normal slots if roughly normal: with 96 slots
      // a day per meter, 3 would alarm a fleet every day); ≤ 2 clears
      zThreshold: z.number().positive().default(4),
      recoveryZ: z.number().positive().default(2),
      // for quantile baselines: outside [low / factor, high × factor] is abnormal
      quantileFactor: z.number().min(1).default(1.5),
      // project default: ignore deviations under 1 kWh per slot (a near-zero stddev at night
      // would otherwise turn a fridge compressor into an alert)
      minDeviationKwh: z.number().min(0).default(1),
      // ... and under this share of the slot's mean: a very steady load (a data centre) has a tiny
      // stddev, so a few percent would be "many sigmas" yet nothing anyone should be called about
      minDeviationPct: pct.default(30),
    })
    .prefault({}),

  /** Readings stamped more than this after the evaluation time are refused (meter clock ahead). */
  maxClockSkewS: seconds.default(300),
  /** Local time for time-of-day slots and day types; China is UTC+8 without DST (domain.md §6). */
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),

  severity: severitySchema,
});

export type RulesConfig = z.infer<typeof rulesConfigSchema>;
export type RulesConfigInput = z.input<typeof rulesConfigSchema>;

/** Parse and freeze a rules configuration; every problem is listed in one ConfigError. */
export function parseRulesConfig(input: unknown = {}): RulesConfig {
  return parseSettings(rulesConfigSchema, input, 'rules');
}

export const DEFAULT_RULES_CONFIG: RulesConfig = parseRulesConfig({});
