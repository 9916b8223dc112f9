// Reads the tariff data files: the defaults shipped in reference/tariffs/ and any files an
// operator names. The only file of the tariff area that touches the file system; validation and
// every computation are the pure functions of lib/domain/tariff.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  checkPrices,
  checkTouSchedules,
  type PfAdjustmentTable,
  type PriceEntry,
  parsePfAdjustmentFile,
  parsePriceFile,
  parseTouScheduleFile,
  TariffError,
  type TouSchedule,
} from '../domain/index.ts';

/** reference/tariffs/ of this repository. */
export const BUILT_IN_TARIFFS_DIR = fileURLToPath(new URL('../../reference/tariffs/', import.meta.url));

const DEFAULT_TOU_FILE = `${BUILT_IN_TARIFFS_DIR}default-tou.json`;
const DEFAULT_PRICES_FILE = `${BUILT_IN_TARIFFS_DIR}default-prices.json`;
const DEFAULT_PF_ADJUSTMENT_FILE = `${BUILT_IN_TARIFFS_DIR}pf-adjustment.json`;

export interface LoadedTariffs {
  touSchedules: TouSchedule[];
  prices: PriceEntry[];
  /** ISO 4217 code shared by every price file loaded */
  currency: string;
  pfTables: PfAdjustmentTable[];
  files: string[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TariffError('TARIFF_UNREADABLE', `cannot read tariff file ${path}: ${(err as Error).message}`);
  }
}

/**
 * Default schedules, prices and PF tables, plus the operator's files. Schedules and prices of
 * all files are checked together (a region's schedules must not overlap in time). With
 * `includeDefaults: false` only the named files count (to replace the default CN schedule);
 * `pfAdjustmentFile` replaces the shipped PF tables.
 */
export function loadTariffs(
  options: {
    touScheduleFiles?: string[];
    priceFiles?: string[];
    pfAdjustmentFile?: string;
    includeDefaults?: boolean;
  } = {},
): LoadedTariffs {
  const includeDefaults = options.includeDefaults ?? true;
  const touFiles = [...(includeDefaults ? [DEFAULT_TOU_FILE] : []), ...(options.touScheduleFiles ?? [])];
  const priceFiles = [...(includeDefaults ? [DEFAULT_PRICES_FILE] : []), ...(options.priceFiles ?? [])];
  const pfFile = options.pfAdjustmentFile ?? DEFAULT_PF_ADJUSTMENT_FILE;

  const touSchedules = touFiles.flatMap((f) => parseTouScheduleFile(readJson(f), f).schedules);
  checkTouSchedules(touSchedules);
  const parsedPrices = priceFiles.map((f) => ({ file: f, doc: parsePriceFile(readJson(f), f) }));
  const currencies = [...new Set(parsedPrices.map((p) => p.doc.currency))];
  if (currencies.length > 1)
    throw new TariffError(
      'TARIFF_INVALID',
      `price files use different currencies: ${parsedPrices.map((p) => `${p.file} ${p.doc.currency}`).join(', ')}`,
    );
  const prices = parsedPrices.flatMap((p) => p.doc.prices);
  checkPrices(prices);
  const pfTables = parsePfAdjustmentFile(readJson(pfFile), pfFile).tables;
  return {
    touSchedules,
    prices,
    currency: currencies[0] ?? 'CNY',
    pfTables,
    files: [...touFiles, ...priceFiles, pfFile],
  };
}
