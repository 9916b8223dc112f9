// Loads register maps from lib/meter-maps/maps/<name>.json. This is the only file of the area
// that touches the file system; everything else works on parsed MeterMap objects.
import { readFileSync, readdirSync } from 'node:fs';
import { MeterMapError, type MeterMapIssue } from './errors.ts';
import { meterMapSchema, type MeterMap } from './meter-map-schema.ts';

const MAPS_DIR = new URL('./maps/', import.meta.url);
const MAP_FILE_SUFFIX = '.json';

const cache = new Map<string, MeterMap>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

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

/** Names of the maps shipped in lib/meter-maps/maps/, sorted. */
export function listMeterMaps(): string[] {
  return readdirSync(MAPS_DIR)
    .filter((file) => file.endsWith(MAP_FILE_SUFFIX))
    .map((file) => file.slice(0, -MAP_FILE_SUFFIX.length))
    .sort();
}

/** The validated map with this name; cached after the first load. */
export function getMeterMap(name: string): MeterMap {
  const cached = cache.get(name);
  if (cached) return cached;
  if (!listMeterMaps().includes(name)) {
    throw new MeterMapError(
      'METER_MAP_UNKNOWN',
      `unknown meter map "${name}"; available: ${listMeterMaps().join(', ')}`,
    );
  }
  const file = new URL(`${name}${MAP_FILE_SUFFIX}`, MAPS_DIR);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MeterMapError('METER_MAP_INVALID', `maps/${name}.json is not valid JSON: ${(err as Error).message}`);
  }
  const map = parseMeterMap(document, `maps/${name}.json`);
  if (map.name !== name) {
    throw new MeterMapError('METER_MAP_INVALID', `maps/${name}.json declares name "${map.name}"`, [
      { path: 'name', message: `must equal the file name "${name}"` },
    ]);
  }
  cache.set(name, map);
  return map;
}
