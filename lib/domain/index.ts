// Public entry of the domain core: types, reading quantities and quality flags, the alert
// vocabulary, key-account rules, the one Clock and the error base classes. It imports nothing
// that opens a socket, a file or a database (test/unit/architecture.test.ts loads it in a fresh
// process and checks), so pure code — rules, decoding, simulators' physics — can import it
// without pulling in the database or the broker. Database, broker, config, logging and the fleet
// file are behind their own entries: lib/db, lib/mqtt, lib/config, lib/log, lib/fleet.
//
// New pure domain areas (a calendar, tariffs, ...) get a folder here with its own index.ts and
// one `export *` line below.
export * from './reading.ts';
export * from './key-account.ts';
export * from './alert.ts';
export {
  systemClock,
  createManualClock,
  dateOf,
  sleep,
  type Clock,
  type ManualClock,
  type TimerHandle,
} from './clock.ts';
export { KamError, ConfigError, DatabaseError, MigrationError, FleetError } from './errors.ts';
export { parseSettings, deepFreeze } from './settings.ts';
export * from './data-issues/index.ts';
export * from './calendar/index.ts';
export * from './tariff/index.ts';
