// Public entry of the fleet file: its schema, reading it and loading it into the database.
export { parseFleet, readFleetFile, loadFleet, type FleetLoadResult } from './load-fleet.ts';
export type { Fleet, FleetAccount, FleetMeter, FleetManager } from './fleet-schema.ts';
export { FleetError } from '../domain/index.ts';
