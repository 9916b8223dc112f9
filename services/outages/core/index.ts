// Public entry of the planned-outage core: outages, notice schedule (domain.md §11), planned /
// unplanned classification of supply interruptions and supply reliability (domain.md §10; the
// RS-1 figures come from computeSupplyReliability of services/reports/core).
// Pure: the recording and evaluation times are arguments; no clock, file, socket or database.

export {
  plannedOutageSchema,
  parsePlannedOutage,
  MAX_OUTAGE_MS,
  type PlannedOutage,
  type PlannedOutageInput,
} from './outage.ts';
export { planOutageNotices, noticeOptionsSchema, type OutageNotice, type NoticeOptionsInput } from './notices.ts';
export {
  classifyInterruption,
  isWithinPlannedWindow,
  summarizeSupplyReliability,
  classifyOptionsSchema,
  type ClassifyOptionsInput,
  type PowerDown,
  type InterruptionSegment,
  type ClassifiedInterruption,
} from './classify.ts';
export { unionIntervals, subtractIntervals, type TimeInterval } from './intervals.ts';
export { OutageError, type OutageErrorCode } from './errors.ts';
