// Public entry of the customer-advice core (domain.md §11: advice is one of the things
// customers subscribe to). Pure: no clock, file, socket or database; ToU periods (the tariff
// module's TouPeriod) and prices come in from the caller.

export {
  advisePeakShifting,
  peakShiftingOptionsSchema,
  type PeriodOf,
  type PeakShiftingInput,
  type PeakShiftingOptionsInput,
  type PeakShiftingDay,
  type PeakShiftingAdvice,
} from './peak-shifting.ts';
export { AdviceError, type AdviceErrorCode } from './errors.ts';
