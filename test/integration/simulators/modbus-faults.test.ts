// Every fault kind a Modbus meter can show, as a client sees it on the wire, and in the ground
// truth with the right simulated times. One meter per fault; all windows are 10:10-10:30.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../lib/domain/index.ts';
import { startSimFleet, type ModbusSimEndpoint, type SimFleet } from '../../../simulators/index.ts';
import { phaseVoltageOf } from '../../../simulators/voltage-classes.ts';
import {
  closeModbus,
  connectModbus,
  HOUR_MS,
  LV_SDM_SPEC,
  CLOCK_START_MS,
  MINUTE_MS,
  modbusFailure,
  MONDAY_MIDNIGHT_MS,
  MV_ACREL_SPEC,
  nemaUnbalance,
  readMeterOverModbus,
  type FaultInput,
  type ModbusClient,
} from '../../support/simulators.ts';

const START_MS = MONDAY_MIDNIGHT_MS + 10 * HOUR_MS;
const FAULT_START_S = 600;
const FAULT_DURATION_S = 1200;
const INSIDE_MS = 15 * MINUTE_MS;
const AFTER_MS = 35 * MINUTE_MS;
const UN = phaseVoltageOf(10_000);
const ACREL_WRAP_RAW = 100_000_000;

const FAULTS: Record<string, Omit<FaultInput, 'meter' | 'start' | 'durationS'>> = {
  UV: { kind: 'under_voltage', params: { depthPct: 10 } },
  OV: { kind: 'over_voltage', params: { phase: 'A', depthPct: 12 } },
  LOV: { kind: 'loss_of_voltage', params: { phase: 'B' } },
  BRK: { kind: 'phase_break', params: { phase: 'C' } },
  VUNB: { kind: 'voltage_unbalance', params: { unbalancePct: 5 } },
  IUNB: { kind: 'current_unbalance', params: { unbalancePct: 40 } },
  LPF: { kind: 'low_power_factor', params: { pf: 0.72 } },
  OCOMP: { kind: 'over_compensation' },
  ODEM: { kind: 'over_demand', params: { loadPct: 125 } },
  REV: { kind: 'reverse_power', params: { phase: 'A' } },
  REVALL: { kind: 'reverse_power' },
  SILENT: { kind: 'not_answering' },
  BUSY: { kind: 'modbus_exception', params: { exceptionCode: 6 } },
  FAIL: { kind: 'modbus_exception', params: { exceptionCode: 4 } },
  STALE: { kind: 'stale_values' },
  ROLL: { kind: 'counter_rollover' },
  REPL: { kind: 'meter_replacement' },
};

describe('fault kinds on the Modbus wire', () => {
  const clock = createManualClock(CLOCK_START_MS);
  let fleet: SimFleet;
  const clients: ModbusClient[] = [];

  const endpointOf = (code: string): ModbusSimEndpoint => {
    const e = fleet.endpoints.find((x) => x.code === code);
    if (e?.protocol !== 'modbus') throw new Error(code);
    return e;
  };
  const client = async (code: string, timeoutMs = 500): Promise<ModbusClient> => {
    const c = await connectModbus(endpointOf(code), timeoutMs);
    clients.push(c);
    return c;
  };
  const read = async (code: string) => {
    const e = endpointOf(code);
    return readMeterOverModbus(await client(code), e.mapName, { pt: e.ptRatio, ct: e.ctRatio });
  };
  const counterRaw = async (code: string): Promise<number> => {
    const [high, low] = (await (await client(code)).readHoldingRegisters(0x0a, 2)).data as [number, number];
    return high * 65536 + low;
  };

  beforeAll(async () => {
    const codes = Object.keys(FAULTS);
    fleet = await startSimFleet({
      meters: codes.map((code, i) =>
        code === 'REV'
          ? { ...LV_SDM_SPEC, code, seed: i }
          : { ...MV_ACREL_SPEC, code, seed: i, profile: 'hospital' as const },
      ),
      scenario: {
        faults: codes.map((code) => ({
          ...FAULTS[code],
          id: code,
          meter: code,
          start: FAULT_START_S,
          durationS: FAULT_DURATION_S,
        })),
      },
      clock,
      startTime: START_MS,
      tickMs: 60_000,
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeModbus));
  });
  afterAll(async () => {
    await fleet.stop();
  });

  it('records nothing in the ground truth before the faults start', () => {
    clock.set(CLOCK_START_MS + FAULT_START_S * 1000 - 1000);
    expect(fleet.truth()).toEqual([]);
  });

  it('records every fault in the ground truth with its simulated start and end once started', () => {
    clock.set(CLOCK_START_MS + FAULT_START_S * 1000);
    const truth = fleet.truth();
    expect(truth.map((t) => t.id).sort()).toEqual(Object.keys(FAULTS).sort());
    for (const entry of truth) {
      expect(entry.meter).toBe(entry.id);
      expect(entry.kind).toBe(FAULTS[entry.id]!.kind);
      expect(entry.start).toBe(new Date(START_MS + FAULT_START_S * 1000).toISOString());
      expect(entry.end).toBe(new Date(START_MS + (FAULT_START_S + FAULT_DURATION_S) * 1000).toISOString());
    }
    expect(truth.find((t) => t.id === 'BRK')!.phase).toBe('C');
    expect(truth.find((t) => t.id === 'UV')!.phase).toBeUndefined();
  });

  it('under_voltage: all phase voltages at 90 % Un', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const v = await read('UV');
    for (const u of [v.voltageAV!, v.voltageBV!, v.voltageCV!]) expect(u / UN).toBeCloseTo(0.9, 2);
    clock.set(CLOCK_START_MS + AFTER_MS);
    expect(Math.abs((await read('UV')).voltageAV! / UN - 1)).toBeLessThan(0.05);
  });

  it('over_voltage: phase A at 112 % Un', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    expect((await read('OV')).voltageAV! / UN).toBeCloseTo(1.12, 2);
  });

  it('loss_of_voltage: U_B below 78 % Un while I_B flows', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const v = await read('LOV');
    expect(v.voltageBV! / UN).toBeLessThan(0.78);
    expect(v.currentBA!).toBeGreaterThan(1);
  });

  it('phase_break: U_C below 60 % Un and I_C = 0', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const v = await read('BRK');
    expect(v.voltageCV! / UN).toBeLessThan(0.6);
    expect(v.currentCA).toBe(0);
  });

  it('voltage_unbalance: phase voltages 5 % unbalanced', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const v = await read('VUNB');
    expect(nemaUnbalance([v.voltageAV!, v.voltageBV!, v.voltageCV!])).toBeCloseTo(0.05, 2);
  });

  it('current_unbalance: phase currents more than 30 % unbalanced (domain.md §4)', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const v = await read('IUNB');
    expect(nemaUnbalance([v.currentAA!, v.currentBA!, v.currentCA!])).toBeGreaterThan(0.3);
  });

  it('low_power_factor: total PF 0.72', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    expect((await read('LPF')).pf!).toBeCloseTo(0.72, 2);
  });

  it('over_compensation: capacitive reactive power with positive active power', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const v = await read('OCOMP');
    expect(v.reactiveKvar!).toBeLessThan(0);
    expect(v.powerKw!).toBeGreaterThan(0);
  });

  it('over_demand: apparent power above the contracted 2500 kVA', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    expect((await read('ODEM')).apparentKva! / 2500).toBeGreaterThan(1.2);
  });

  it('reverse_power on phase A of an SDM630: P_A and PF_A negative, the total under-registers', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const v = await read('REV');
    expect(v.powerAKw!).toBeLessThan(0);
    expect(v.pfA!).toBeLessThan(0);
    expect(v.powerKw!).toBeCloseTo(v.powerAKw! + v.powerBKw! + v.powerCKw!, 3);
    expect(v.powerKw!).toBeLessThan(v.powerBKw! + v.powerCKw!);
  });

  it('reverse_power on all phases: P < 0 and the export counter grows while import stands still', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const first = await read('REVALL');
    expect(first.powerKw!).toBeLessThan(0);
    clock.set(CLOCK_START_MS + INSIDE_MS + 5 * MINUTE_MS);
    const later = await read('REVALL');
    expect(later.exportKwh!).toBeGreaterThan(first.exportKwh!);
    expect(later.importKwh).toBe(first.importKwh);
  });

  it('not_answering: no reply at all, the client times out; answers again afterwards', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    expect((await modbusFailure((await client('SILENT', 300)).readHoldingRegisters(0x61, 1))).errno).toBe('ETIMEDOUT');
    clock.set(CLOCK_START_MS + AFTER_MS);
    expect((await (await client('SILENT')).readHoldingRegisters(0x61, 1)).data[0]).toBeGreaterThan(0);
  });

  it('modbus_exception: exception 06 (busy) and 04 (device failure) on every request', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    expect((await modbusFailure((await client('BUSY')).readHoldingRegisters(0x61, 1))).modbusCode).toBe(0x06);
    expect((await modbusFailure((await client('FAIL')).readHoldingRegisters(0x0a, 2))).modbusCode).toBe(0x04);
    clock.set(CLOCK_START_MS + AFTER_MS);
    expect((await (await client('BUSY')).readHoldingRegisters(0x61, 1)).data).toHaveLength(1);
  });

  it('stale_values: every register frozen during the window, counters too', async () => {
    clock.set(CLOCK_START_MS + INSIDE_MS);
    const first = await read('STALE');
    clock.set(CLOCK_START_MS + INSIDE_MS + 10 * MINUTE_MS);
    expect(await read('STALE')).toEqual(first);
    clock.set(CLOCK_START_MS + AFTER_MS);
    const after = await read('STALE');
    expect(after.importKwh!).toBeGreaterThan(first.importKwh!);
  });

  it('counter_rollover: the import counter register jumps near its maximum and wraps to a small value', async () => {
    clock.set(CLOCK_START_MS + FAULT_START_S * 1000 - 1000);
    const before = await counterRaw('ROLL');
    clock.set(CLOCK_START_MS + FAULT_START_S * 1000);
    const atStart = await counterRaw('ROLL');
    expect(before).toBeLessThan(ACREL_WRAP_RAW * 0.5);
    expect(atStart).toBeGreaterThan(ACREL_WRAP_RAW * 0.999);
    expect(atStart).toBeLessThan(ACREL_WRAP_RAW);
    clock.set(CLOCK_START_MS + (FAULT_START_S + FAULT_DURATION_S) * 1000 - 1000);
    expect(await counterRaw('ROLL')).toBeLessThan(ACREL_WRAP_RAW * 0.001);
  });

  it('meter_replacement: the counters restart from about zero', async () => {
    clock.set(CLOCK_START_MS + FAULT_START_S * 1000 - 1000);
    expect(await counterRaw('REPL')).toBeGreaterThan(1000);
    clock.set(CLOCK_START_MS + FAULT_START_S * 1000 + 1000);
    expect(await counterRaw('REPL')).toBeLessThan(10);
  });
});
