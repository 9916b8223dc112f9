// Reads holiday calendar files: the built-in ones shipped in reference/calendars/ and any extra
// files an operator puts in a folder (a new year, e.g. 2027, or another region). This is the
// only file of the calendar area that touches the file system; parsing and merging are the pure
// functions of lib/domain/calendar.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CalendarError,
  type CalendarFile,
  type HolidayCalendar,
  mergeCalendars,
  parseCalendarFile,
} from '../domain/index.ts';

/** reference/calendars/ of this repository (works from a fresh clone: no /work/shared). */
export const BUILT_IN_CALENDARS_DIR = fileURLToPath(new URL('../../reference/calendars/', import.meta.url));

const JSON_SUFFIX = '.json';

export interface LoadedCalendars {
  /** one merged calendar per region code */
  calendars: ReadonlyMap<string, HolidayCalendar>;
  /** the files read, built-in first, then the extra folder's in name order */
  files: string[];
}

/** Read and validate one calendar file; errors name the file and the field. */
export function readCalendarFile(path: string): CalendarFile {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CalendarError('CALENDAR_UNREADABLE', `cannot read calendar file ${path}: ${(err as Error).message}`);
  }
  return parseCalendarFile(document, path);
}

/** The *.json files of a folder, sorted by name; throws CALENDAR_UNREADABLE if it is not a folder. */
export function listCalendarFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir);
  } catch (err) {
    throw new CalendarError('CALENDAR_UNREADABLE', `cannot read calendar folder ${dir}: ${(err as Error).message}`);
  }
  return names
    .filter((n) => n.endsWith(JSON_SUFFIX))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * The built-in calendars plus every *.json file in `extraDir` (when given), merged per region.
 * A year or date defined twice for a region is refused (CALENDAR_CONFLICT): to correct a
 * built-in year, change reference/calendars/ in the repository instead of overriding it.
 */
export function loadCalendars(options: { extraDir?: string; builtInDir?: string } = {}): LoadedCalendars {
  const files = [...listCalendarFiles(options.builtInDir ?? BUILT_IN_CALENDARS_DIR)];
  if (options.extraDir) files.push(...listCalendarFiles(options.extraDir));
  const parsed = files.map((f) => readCalendarFile(f));
  return { calendars: mergeCalendars(parsed, files), files };
}
