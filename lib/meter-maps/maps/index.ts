// The register maps shipped as data in this folder (<name>.json). The only file of lib/meter-maps
// that touches the file system, so the codec entry (lib/meter-maps/index.ts) stays pure.
import { readFileSync, readdirSync } from 'node:fs';
import { MeterMapError, parseMeterMap, type MeterMap } from '../index.ts';

const MAPS_DIR = new URL('./', import.meta.url);
const MAP_FILE_SUFFIX = '.json';

const cache = new Map<string, MeterMap>();

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
