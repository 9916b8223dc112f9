// Physical bounds of each quantity, mirroring the CHECK constraints of `readings`
// (migrations/002_readings.sql). Checked before a reading is queued so one impossible value
// (a meter reporting 0 Hz, a payload with pf 1.2) does not make the database refuse a batch.
import type { ReadingKey } from '../lib/domain/index.ts';

export interface Bounds {
  min?: number;
  max?: number;
}

const NON_NEGATIVE: Bounds = { min: 0 };
const PF: Bounds = { min: -1, max: 1 };

export const READING_BOUNDS: Partial<Record<ReadingKey, Bounds>> = {
  voltageAV: NON_NEGATIVE,
  voltageBV: NON_NEGATIVE,
  voltageCV: NON_NEGATIVE,
  voltageAbV: NON_NEGATIVE,
  voltageBcV: NON_NEGATIVE,
  voltageCaV: NON_NEGATIVE,
  currentAA: NON_NEGATIVE,
  currentBA: NON_NEGATIVE,
  currentCA: NON_NEGATIVE,
  apparentKva: NON_NEGATIVE,
  pfA: PF,
  pfB: PF,
  pfC: PF,
  pf: PF,
  frequencyHz: { min: 40, max: 70 },
  importKwh: NON_NEGATIVE,
  exportKwh: NON_NEGATIVE,
  importKvarh: NON_NEGATIVE,
  exportKvarh: NON_NEGATIVE,
};

/** Why a value is out of bounds, or undefined when it fits. */
export function checkBounds(key: ReadingKey, value: number): string | undefined {
  if (!Number.isFinite(value)) return `${key} is not a finite number`;
  const b = READING_BOUNDS[key];
  if (!b) return undefined;
  if (b.min !== undefined && value < b.min) return `${key} ${value} is below ${b.min}`;
  if (b.max !== undefined && value > b.max) return `${key} ${value} is above ${b.max}`;
  return undefined;
}
