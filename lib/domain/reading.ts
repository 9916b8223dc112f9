// One wide reading per meter and timestamp: the engineering values on the primary side
// (after PT/CT ratios), in the units their names carry. This list is the single source for
// the `readings` columns, the MQTT JSON schema, the writer and the simulators.

export interface ReadingQuantity {
  /** camelCase key used in code and in MQTT JSON payloads */
  readonly key: string;
  /** column in the `readings` hypertable */
  readonly column: string;
  readonly unit: string;
}

export const READING_QUANTITIES = [
  // phase-to-neutral voltages
  { key: 'voltageAV', column: 'voltage_a_v', unit: 'V' },
  { key: 'voltageBV', column: 'voltage_b_v', unit: 'V' },
  { key: 'voltageCV', column: 'voltage_c_v', unit: 'V' },
  // line-to-line voltages (GB/T 15543 unbalance is computed from these)
  { key: 'voltageAbV', column: 'voltage_ab_v', unit: 'V' },
  { key: 'voltageBcV', column: 'voltage_bc_v', unit: 'V' },
  { key: 'voltageCaV', column: 'voltage_ca_v', unit: 'V' },
  { key: 'currentAA', column: 'current_a_a', unit: 'A' },
  { key: 'currentBA', column: 'current_b_a', unit: 'A' },
  { key: 'currentCA', column: 'current_c_a', unit: 'A' },
  { key: 'powerAKw', column: 'power_a_kw', unit: 'kW' },
  { key: 'powerBKw', column: 'power_b_kw', unit: 'kW' },
  { key: 'powerCKw', column: 'power_c_kw', unit: 'kW' },
  { key: 'powerKw', column: 'power_kw', unit: 'kW' },
  { key: 'reactiveAKvar', column: 'reactive_a_kvar', unit: 'kvar' },
  { key: 'reactiveBKvar', column: 'reactive_b_kvar', unit: 'kvar' },
  { key: 'reactiveCKvar', column: 'reactive_c_kvar', unit: 'kvar' },
  { key: 'reactiveKvar', column: 'reactive_kvar', unit: 'kvar' },
  { key: 'apparentKva', column: 'apparent_kva', unit: 'kVA' },
  { key: 'pfA', column: 'pf_a', unit: '' },
  { key: 'pfB', column: 'pf_b', unit: '' },
  { key: 'pfC', column: 'pf_c', unit: '' },
  { key: 'pf', column: 'pf', unit: '' },
  { key: 'frequencyHz', column: 'frequency_hz', unit: 'Hz' },
  // cumulative counters as the meter shows them (primary side)
  { key: 'importKwh', column: 'import_kwh', unit: 'kWh' },
  { key: 'exportKwh', column: 'export_kwh', unit: 'kWh' },
  { key: 'importKvarh', column: 'import_kvarh', unit: 'kvarh' },
  { key: 'exportKvarh', column: 'export_kvarh', unit: 'kvarh' },
] as const satisfies readonly ReadingQuantity[];

export type ReadingKey = (typeof READING_QUANTITIES)[number]['key'];

/** Absent keys are values the meter did not report (never written as zero). */
export type ReadingValues = Partial<Record<ReadingKey, number>>;

/** Bit flags in `readings.quality`. 0 = good. */
export const QUALITY = {
  /** some quantities of the map could not be read; they are null, not zero */
  PARTIAL: 1,
  /** values identical to the previous poll for longer than expected (frozen meter) */
  STALE: 2,
  /** counter went backwards: rollover or meter replacement */
  COUNTER_RESET: 4,
  /** interval energy implausible (above rated power × time × 1.2, domain.md §6) */
  IMPLAUSIBLE: 8,
  /** timestamp came from the ingest clock, not from the meter/payload */
  ARRIVAL_TIME: 16,
} as const;

export interface Reading {
  meterId: number;
  ts: Date;
  values: ReadingValues;
  quality: number;
}

export const READING_KEYS: readonly ReadingKey[] = READING_QUANTITIES.map((q) => q.key);
