// Public entry of the reference data loaders: the I/O edge that reads the data files in
// reference/ (and an operator's extra files) into the pure domain modules' types.
// Formats: docs/reference-data.md.
export {
  BUILT_IN_CALENDARS_DIR,
  listCalendarFiles,
  loadCalendars,
  readCalendarFile,
  type LoadedCalendars,
} from './load-calendars.ts';
export { BUILT_IN_TARIFFS_DIR, loadTariffs, type LoadedTariffs } from './load-tariffs.ts';
