// Validates a register map document into a frozen MeterMap. Pure: reading the shipped files is
// lib/meter-maps/maps/index.ts's job.
import { deepFreeze } from '../domain/index.ts';
import { MeterMapError, type MeterMapIssue } from './errors.ts';
import { meterMapSchema, type MeterMap } from './meter-map-schema.ts';

/**
 * Validate a map document (already parsed JSON). Throws METER_MAP_INVALID listing every
 * offending field, e.g. `quantities.3.address: voltageAV is not inside a declared block`.
 */
export function parseMeterMap(document: unknown, origin = 'meter map'): MeterMap {
  const result = meterMapSchema.safeParse(document);
  if (!result.success) {
    const issues: MeterMapIssue[] = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    throw new MeterMapError('METER_MAP_INVALID', `${origin} is invalid: ${summary}`, issues);
  }
  return deepFreeze(result.data as MeterMap);
}
