// Public entry of database access: the `pg` pool and transactions, the embedded TimescaleDB,
// migrations and the fleet status query. Everything here opens a database.
export { createPool, withTransaction, type Db, type DbClient, type Queryable } from './pool.ts';
export { startEmbeddedTimescale, type EmbeddedTimescale } from './embedded-timescale.ts';
export { migrate, readMigrations, MIGRATIONS_DIR, type MigrationResult } from './migrate.ts';
export { readFleetStatus, type FleetStatus } from './fleet-status.ts';
export { DatabaseError, MigrationError } from '../domain/index.ts';
