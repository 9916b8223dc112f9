// The shared home: config, database access, domain types and logging. Other areas import
// only from here (conventions.md §1).
export { loadConfig, configSchema, NOTIFY_ENV_VARS, type Config, type NotifyEnvVar } from './config/config.ts';
export { KamError, ConfigError, MigrationError, FleetError, DatabaseError } from './errors.ts';
export { createLogger, type Logger } from './logger.ts';
export { createPool, withTransaction, type Db, type DbClient } from './db/pool.ts';
export { startEmbeddedTimescale, type EmbeddedTimescale } from './db/embedded-timescale.ts';
export { migrate, readMigrations, MIGRATIONS_DIR, type MigrationResult } from './db/migrate.ts';
export { startEmbeddedBroker, type EmbeddedBroker } from './mqtt/embedded-broker.ts';
export * from './domain/reading.ts';
export * from './domain/key-account.ts';
export { parseFleet, readFleetFile, loadFleet, type FleetLoadResult } from './fleet/load-fleet.ts';
export type { Fleet, FleetAccount, FleetMeter, FleetManager } from './fleet/fleet-schema.ts';
export { readFleetStatus, type FleetStatus } from './db/fleet-status.ts';
export { runUntilSignal } from './process/run-until-signal.ts';
export * from './domain/alert.ts';
