import { z } from 'zod';
import { type LocalDate, localDateSchema } from '../calendar/index.ts';
import { parseWith } from './errors.ts';
import { TOU_PERIODS, type TouPeriod } from './tou-schedule.ts';
import { checkValidityOrder, datedSet } from './validity.ts';

// Dated prices of a two-part tariff (两部制): an energy price per kWh for each time-of-use
// period, and a basic charge either per kW of maximum demand per month or per kVA of installed
// capacity per month (domain.md §10). Prices change by decree, so each entry has validity
// dates; for one region and customer class no two entries may be valid on the same day.

const price = z.number().finite().min(0);

export const priceEntrySchema = z
  .strictObject({
    id: z.string().min(1),
    region: z.string().min(1),
    /** the utility's tariff category, e.g. `large_industrial_1_10kv` */
    customerClass: z.string().min(1),
    validFrom: localDateSchema.nullable(),
    validTo: localDateSchema.nullable(),
    /** currency per kWh for each period the schedule uses; a period left out has no price */
    energyPricePerKwh: z.partialRecord(z.enum(TOU_PERIODS), price),
    /** currency per kW of maximum demand per month (demand-billed accounts) */
    demandPricePerKwMonth: price.nullable(),
    /** currency per kVA of installed capacity per month (capacity-billed accounts) */
    capacityPricePerKvaMonth: price.nullable(),
  })
  .superRefine((e, ctx) => {
    checkValidityOrder(e, ctx, []);
    if (Object.keys(e.energyPricePerKwh).length === 0)
      ctx.addIssue({ code: 'custom', path: ['energyPricePerKwh'], message: 'needs a price for at least one period' });
  });

export type PriceEntry = z.infer<typeof priceEntrySchema>;

/** No two prices of one region and customer class valid on the same day. */
const prices = datedSet<PriceEntry>({
  noun: 'price',
  listName: 'prices',
  keyOf: (p) => `${p.region}/${p.customerClass}`,
  describeKey: (p) => `${p.region} ${p.customerClass}`,
});

export const priceFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    /** ISO 4217 code of every price in the file, e.g. CNY */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'),
    prices: z.array(priceEntrySchema),
  })
  .superRefine((file, ctx) => prices.refine(ctx, file.prices));

export type PriceFile = z.infer<typeof priceFileSchema>;

/** Validate a price file document (parsed JSON); TARIFF_INVALID names every offending field. */
export function parsePriceFile(document: unknown, origin = 'price file'): PriceFile {
  return parseWith(priceFileSchema, document, origin);
}

/** Check price entries from several files together; throws TARIFF_INVALID on a clash. */
export function checkPrices(list: readonly PriceEntry[]): void {
  prices.check(list);
}

/**
 * The price entry valid on a local date for a region and customer class, or null when none is.
 * Throws TARIFF_AMBIGUOUS when several are (only possible for entries not checked together).
 */
export function priceFor(
  date: LocalDate,
  list: readonly PriceEntry[],
  select: { region: string; customerClass: string },
): PriceEntry | null {
  return prices.validOn(list, date, (p) => p.region === select.region && p.customerClass === select.customerClass);
}

/** Energy price of a period, or null when the entry has none for it. */
export function energyPriceOf(entry: PriceEntry, period: TouPeriod): number | null {
  return entry.energyPricePerKwh[period] ?? null;
}
