// One simulated meter at run time: its spec, register map, physics model and faults. Transports
// (Modbus servers, MQTT publishers) ask it what to serve at a simulated time.
import { COUNTER_KEYS, counterWrapPrimary, type CounterKey, type MeterMap } from '../lib/meter-maps/index.ts';
import { getMeterMap } from '../lib/meter-maps/maps/index.ts';
import type { SimCalendar } from './calendar.ts';
import { FAULT_KIND_INFO, isActiveAt, type FaultKind, type FaultWindow } from './fault-kinds.ts';
import { MeterModel } from './meter-model.ts';
import type { NormalizedMeterSpec } from './meter-spec.ts';
import { deriveSeed } from './prng.ts';

/**
 * Counter rollover of meters without a register map (MQTT): 100,000,000 kWh, an 8-digit
 * integer register (simulator default).
 */
export const DEFAULT_COUNTER_WRAP = 100_000_000;

export type TransportFaultKind = Extract<FaultKind, 'not_answering' | 'modbus_exception' | 'malformed_payload'>;

export interface SimMeter {
  readonly spec: NormalizedMeterSpec;
  readonly map: MeterMap | undefined;
  readonly model: MeterModel;
  /** this meter's faults, sorted by start */
  readonly faults: readonly FaultWindow[];
  /** the transport fault active at a simulated time, if any */
  transportFaultAt(timeMs: number): FaultWindow<TransportFaultKind> | undefined;
}

export interface SimMeterContext {
  readonly fleetSeed: number;
  readonly startTimeMs: number;
  readonly stepMs: number;
  readonly calendar: SimCalendar;
  /** every fault of the fleet; the meter keeps its own */
  readonly faults: readonly FaultWindow[];
}

export function createSimMeter(spec: NormalizedMeterSpec, context: SimMeterContext): SimMeter {
  const map = spec.mapName === undefined ? undefined : getMeterMap(spec.mapName);
  const ratios = { pt: spec.ptRatio, ct: spec.ctRatio };
  const counterWrap = Object.fromEntries(
    COUNTER_KEYS.map((key) => [key, (map && counterWrapPrimary(map, key, ratios)) ?? DEFAULT_COUNTER_WRAP]),
  ) as Record<CounterKey, number>;
  const faults = context.faults.filter((f) => f.meter === spec.code);
  const transportFaults = faults.filter(
    (f): f is FaultWindow<TransportFaultKind> => FAULT_KIND_INFO[f.kind].layer === 'transport',
  );
  const model = new MeterModel({
    code: spec.code,
    // Same fleet seed and spec → same meter; different codes → independent noise.
    seed: deriveSeed(context.fleetSeed, `${spec.code}#${spec.seed}`),
    nominalVoltageV: spec.nominalVoltageV,
    frequencyHz: spec.frequencyHz,
    ratedKw: spec.ratedKw,
    contractedKva: spec.contractedKva,
    profile: spec.profile,
    calendar: context.calendar,
    startTimeMs: context.startTimeMs,
    stepMs: context.stepMs,
    counterWrap,
    faults,
  });
  return {
    spec,
    map,
    model,
    faults,
    transportFaultAt: (timeMs) => transportFaults.find((f) => isActiveAt(f, timeMs)),
  };
}
