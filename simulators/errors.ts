// Errors of the simulators area, with stable codes (conventions.md §9). Tests and callers
// branch on `code`; `issues` names every bad field of a validated input.

export type SimErrorCode =
  /** scenario JSON or a --fault flag failed validation */
  | 'SIM_SCENARIO_INVALID'
  /** a scenario fault names a meter the fleet does not have, or a kind its protocol cannot show */
  | 'SIM_SCENARIO_MISMATCH'
  /** a meter spec failed validation */
  | 'SIM_METER_SPEC_INVALID'
  /** fleet options failed validation */
  | 'SIM_OPTIONS_INVALID'
  /** a meter code that the fleet does not have */
  | 'SIM_UNKNOWN_METER'
  /** asked for values before the simulation started */
  | 'SIM_TIME_BEFORE_START'
  /** bad command-line arguments for `kam sim` */
  | 'SIM_CLI_USAGE'
  /** could not listen on a Modbus port or reach the MQTT broker */
  | 'SIM_TRANSPORT_FAILED';

export interface SimIssue {
  /** dotted path to the offending field, e.g. `faults.3.params.depthPct` */
  readonly path: string;
  readonly message: string;
}

export class SimError extends Error {
  readonly code: SimErrorCode;
  readonly issues: readonly SimIssue[];

  constructor(code: SimErrorCode, message: string, options: { issues?: readonly SimIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SimError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** Turn zod-style issues into SimIssues and a one-line summary naming each bad field. */
export function toSimIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: readonly PropertyKey[] = [],
): { issues: SimIssue[]; summary: string } {
  const simIssues = issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
  const summary = simIssues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return { issues: simIssues, summary };
}
