// Public entry of the holiday calendar and local time (pure: no file, socket or database), the one
// home of the date vocabulary: local dates and their arithmetic, times of day, time zones and the
// conversion of instants to the utility's local date and minute of day (domain.md §6), and day
// types (workday / weekend / holiday / make-up workday) from calendar data.
// Calendar files are read by lib/reference-data (the I/O edge); here they are parsed and merged.
export { CalendarError, type CalendarErrorCode, type CalendarIssue } from './errors.ts';
export {
  addDays,
  dayNumberToLocalDate,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  eachLocalDate,
  formatLocalDate,
  isLocalDate,
  isWeekend,
  localDateProblem,
  localDateSchema,
  localDateToDayNumber,
  parseLocalDate,
  type LocalDate,
  type LocalDateParts,
} from './local-date.ts';
export { MINUTES_PER_DAY, formatTimeOfDay, parseTimeOfDay } from './time-of-day.ts';
export {
  DEFAULT_TIME_ZONE_NAME,
  isoInstantSchema,
  localDateOf,
  localDateTimeToInstant,
  localDayBounds,
  parseTimeZone,
  startOfLocalDay,
  timeZoneSchema,
  toLocalDateTime,
  utcOffsetMinutesAt,
  type LocalDateTime,
  type LocalInstantInfo,
  type TimeZone,
} from './time-zone.ts';
export {
  calendarDaySchema,
  calendarFileSchema,
  calendarYearSchema,
  parseCalendarFile,
  type CalendarDay,
  type CalendarFile,
} from './calendar-schema.ts';
export {
  DAY_TYPES,
  calendarForRegion,
  classifyDay,
  classifyDays,
  dayTypeOf,
  emptyCalendar,
  isCovered,
  isWorkingDay,
  isWorkingDayType,
  mergeCalendars,
  uncoveredYears,
  type CalendarEntry,
  type DayClassification,
  type DayType,
  type HolidayCalendar,
} from './holiday-calendar.ts';
