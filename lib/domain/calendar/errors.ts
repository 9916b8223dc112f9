import { type DataIssue, DataIssueError } from '../data-issues/index.ts';

// Stable codes of the calendar area (conventions.md §10): callers branch on `code`; `issues`
// name every offending field so an API can answer 400 with them.

export type CalendarErrorCode =
  /** a calendar file or folder could not be read, or is not JSON */
  | 'CALENDAR_UNREADABLE'
  /** a calendar file failed schema or consistency validation */
  | 'CALENDAR_INVALID'
  /** two calendar files of one region define the same year or the same date */
  | 'CALENDAR_CONFLICT'
  /** a local date string that is not YYYY-MM-DD or not a real day */
  | 'CALENDAR_INVALID_DATE'
  /** an unknown time zone, or a fixed offset out of range */
  | 'CALENDAR_INVALID_ZONE'
  /** no calendar for the requested region */
  | 'CALENDAR_UNKNOWN_REGION';

export type CalendarIssue = DataIssue;

export class CalendarError extends DataIssueError {
  declare readonly code: CalendarErrorCode;
  constructor(code: CalendarErrorCode, message: string, issues: readonly CalendarIssue[] = []) {
    super(code, message, issues);
  }
}
