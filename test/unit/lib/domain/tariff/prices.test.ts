import { describe, expect, it } from 'vitest';
import { checkPrices, parsePriceFile, priceFor, type PriceEntry } from '../../../../../lib/domain/index.ts';
import { loadTariffs } from '../../../../../lib/reference-data/index.ts';
import { issueLines, thrownBy } from '../../../../support/thrown.ts';

const entry = (id: string, validFrom: string | null, validTo: string | null, flat: number): PriceEntry => ({
  id,
  region: 'CN',
  customerClass: 'large_industrial_1_10kv',
  validFrom,
  validTo,
  energyPricePerKwh: { flat },
  demandPricePerKwMonth: 38,
  capacityPricePerKvaMonth: null,
});
const sel = { region: 'CN', customerClass: 'large_industrial_1_10kv' };

describe('dated prices', () => {
  it('the shipped example prices are marked as examples, in CNY, for every period', () => {
    const t = loadTariffs();
    expect(t.currency).toBe('CNY');
    const p = priceFor('2025-06-01', t.prices, sel)!;
    expect(p.id).toMatch(/^example-/);
    expect(Object.keys(p.energyPricePerKwh).sort()).toEqual(['critical_peak', 'deep_valley', 'flat', 'peak', 'valley']);
  });

  it('picks the entry valid on the date, both ends included', () => {
    const prices = [entry('old', null, '2025-06-30', 0.6), entry('new', '2025-07-01', null, 0.62)];
    expect(priceFor('2025-06-30', prices, sel)?.id).toBe('old');
    expect(priceFor('2025-07-01', prices, sel)?.id).toBe('new');
    expect(priceFor('2025-07-01', prices, { ...sel, customerClass: 'other' })).toBeNull();
  });

  it('refuses two entries of a region and class valid on the same day', () => {
    const prices = [entry('old', null, '2025-07-01', 0.6), entry('new', '2025-07-01', null, 0.62)];
    expect(() => checkPrices(prices)).toThrow(
      /price "new" \(2025-07-01 – open\) overlaps price "old" \(always – 2025-07-01\)/,
    );
    expect(thrownBy(() => priceFor('2025-07-01', prices, sel)).code).toBe('TARIFF_AMBIGUOUS');
  });

  it('names bad fields: negative price, unknown period, currency, empty energy prices', () => {
    const issues = (doc: unknown) => issueLines(() => parsePriceFile(doc));
    expect(issues({ currency: 'CNY', prices: [{ ...entry('a', null, null, -1) }] })).toEqual([
      expect.stringMatching(/^prices\.0\.energyPricePerKwh\.flat: /),
    ]);
    expect(
      issues({ currency: 'yuan', prices: [{ ...entry('a', null, null, 1), energyPricePerKwh: { shoulder: 1 } }] }),
    ).toEqual(
      expect.arrayContaining([
        'currency: must be an ISO 4217 code such as CNY',
        'prices.0.energyPricePerKwh: Unrecognized key: "shoulder"',
      ]),
    );
    expect(issues({ currency: 'CNY', prices: [{ ...entry('a', null, null, 1), energyPricePerKwh: {} }] })).toEqual([
      'prices.0.energyPricePerKwh: needs a price for at least one period',
    ]);
  });
});
