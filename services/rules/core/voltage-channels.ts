import type { Reading } from '../../../lib/domain/index.ts';
import type { Channel } from './alert-kinds.ts';
import type { ResolvedMeterContext } from './meter-context.ts';

/** One measured voltage with the nominal it is compared with, and its element's current. */
export interface VoltageChannel {
  channel: Channel;
  voltageV: number;
  nominalV: number;
  currentA: number | undefined;
  source: string;
}

const num = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Voltages for GB/T 12325 deviation (domain.md §2): deviation is against the nominal system
 * voltage, so three-wire meters (no neutral) use line-to-line voltages against the line
 * nominal; four-wire meters use phase voltages against the phase nominal, falling back to line
 * voltages; single-phase meters use phase A.
 */
export function deviationChannels(reading: Reading, ctx: ResolvedMeterContext): VoltageChannel[] {
  const v = reading.values;
  const phase: VoltageChannel[] = [];
  const line: VoltageChannel[] = [];
  const push = (
    list: VoltageChannel[],
    channel: Channel,
    voltageV: number | undefined,
    nominalV: number,
    source: string,
  ) => {
    if (num(voltageV)) list.push({ channel, voltageV, nominalV, currentA: undefined, source });
  };
  if (ctx.wiring === '1P2W') {
    push(phase, 'A', v.voltageAV, ctx.phaseNominalV, 'voltageAV');
    return phase;
  }
  push(line, 'AB', v.voltageAbV, ctx.lineNominalV, 'voltageAbV');
  push(line, 'BC', v.voltageBcV, ctx.lineNominalV, 'voltageBcV');
  push(line, 'CA', v.voltageCaV, ctx.lineNominalV, 'voltageCaV');
  if (ctx.wiring === '3P3W') return line.length > 0 ? line : elementChannels(reading, ctx);
  push(phase, 'A', v.voltageAV, ctx.phaseNominalV, 'voltageAV');
  push(phase, 'B', v.voltageBV, ctx.phaseNominalV, 'voltageBV');
  push(phase, 'C', v.voltageCV, ctx.phaseNominalV, 'voltageCV');
  return phase.length > 0 ? phase : line;
}

/**
 * Metering elements for the meter events of domain.md §4 (loss of voltage, phase break): each
 * element's voltage with the current through it.
 * - 3P4W: phases A, B, C (phase voltage, phase nominal).
 * - 3P3W: two elements, A (Uab, Ia) and C (Ucb, Ic) against the line nominal; a three-wire meter
 *   has no phase-B element, so phase B loss of voltage is not evaluated (domain.md §4). Uab and
 *   Ucb come from voltageAbV / voltageBcV (|Ucb| = |Ubc|), or from voltageAV / voltageCV when
 *   the meter reports its element voltages there.
 * - 1P2W: phase A.
 */
export function elementChannels(reading: Reading, ctx: ResolvedMeterContext): VoltageChannel[] {
  const v = reading.values;
  const out: VoltageChannel[] = [];
  const add = (
    channel: Channel,
    voltageV: number | undefined,
    nominalV: number,
    currentA: number | undefined,
    source: string,
  ) => {
    if (num(voltageV))
      out.push({ channel, voltageV, nominalV, currentA: num(currentA) ? currentA : undefined, source });
  };
  if (ctx.wiring === '3P3W') {
    // two elements: U_AB with I_A and U_CB with I_C; a meter without line voltages reports them
    // in the phase registers
    const elements = [
      ['A', 'voltageAbV', 'voltageAV', v.currentAA],
      ['C', 'voltageBcV', 'voltageCV', v.currentCA],
    ] as const;
    for (const [channel, lineKey, phaseKey, currentA] of elements) {
      const source = num(v[lineKey]) ? lineKey : phaseKey;
      add(channel, v[source], ctx.lineNominalV, currentA, source);
    }
    return out;
  }
  add('A', v.voltageAV, ctx.phaseNominalV, v.currentAA, 'voltageAV');
  if (ctx.wiring === '1P2W') return out;
  add('B', v.voltageBV, ctx.phaseNominalV, v.currentBA, 'voltageBV');
  add('C', v.voltageCV, ctx.phaseNominalV, v.currentCA, 'voltageCV');
  return out;
}
