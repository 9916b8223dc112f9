// Errors of the meter-map area. Callers branch on `code`, never on message text
// (conventions.md §9).

export type MeterMapErrorCode =
  /** no map file with that name in lib/meter-maps/maps/ */
  | 'METER_MAP_UNKNOWN'
  /** a map file failed schema or consistency validation */
  | 'METER_MAP_INVALID'
  /** decode/encode called with arguments that do not fit the map */
  | 'METER_MAP_BAD_ARGUMENT';

export interface MeterMapIssue {
  /** dotted path into the map document, e.g. `quantities.3.address` */
  readonly path: string;
  readonly message: string;
}

export class MeterMapError extends Error {
  readonly code: MeterMapErrorCode;
  readonly issues: readonly MeterMapIssue[];

  constructor(code: MeterMapErrorCode, message: string, issues: readonly MeterMapIssue[] = []) {
    super(message);
    this.name = 'MeterMapError';
    this.code = code;
    this.issues = issues;
  }
}
