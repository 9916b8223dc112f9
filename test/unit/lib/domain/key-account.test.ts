import { describe, expect, it } from 'vitest';
import { type AccountFacts, classifyAccount, keyAccountPolicySchema } from '../../../../lib/domain/index.ts';

const base: AccountFacts = {
  contractedCapacityKva: 100,
  annualConsumptionKwh: 0,
  dualSupply: false,
  importanceGrade: 'none',
};
const tierOf = (facts: Partial<AccountFacts>) => classifyAccount({ ...base, ...facts }).tier;

describe('key-account qualification (domain.md §1)', () => {
  it('qualifies at exactly 1000 kVA and not at 999', () => {
    expect(classifyAccount({ ...base, contractedCapacityKva: 1000 }).isKeyAccount).toBe(true);
    expect(classifyAccount({ ...base, contractedCapacityKva: 999 }).isKeyAccount).toBe(false);
  });

  it('qualifies at exactly 5 GWh a year', () => {
    expect(tierOf({ annualConsumptionKwh: 5_000_000 })).toBe('C');
    expect(tierOf({ annualConsumptionKwh: 4_999_999 })).toBe('potential');
  });

  it('qualifies any dual-supply customer, as tier B', () => {
    expect(tierOf({ dualSupply: true })).toBe('B');
  });

  it('marks customers within 20 % of a threshold as potential, and further away as none', () => {
    expect(tierOf({ contractedCapacityKva: 800 })).toBe('potential');
    expect(tierOf({ contractedCapacityKva: 799 })).toBe('none');
    expect(tierOf({ annualConsumptionKwh: 4_000_000 })).toBe('potential');
    expect(tierOf({ annualConsumptionKwh: 3_999_999 })).toBe('none');
  });

  it('does not make a small customer a key account for its importance grade alone', () => {
    expect(classifyAccount({ ...base, importanceGrade: 'first' }).isKeyAccount).toBe(false);
  });
});

describe('tiers (domain.md §1 project defaults)', () => {
  it('gives A from 10,000 kVA, 50 GWh, or a special/first-class importance grade', () => {
    expect(tierOf({ contractedCapacityKva: 10_000 })).toBe('A');
    expect(tierOf({ contractedCapacityKva: 9_999 })).toBe('B');
    expect(tierOf({ contractedCapacityKva: 1_000, annualConsumptionKwh: 50_000_000 })).toBe('A');
    expect(tierOf({ contractedCapacityKva: 1_000, annualConsumptionKwh: 49_999_999 })).toBe('B');
    expect(tierOf({ contractedCapacityKva: 1_000, importanceGrade: 'special' })).toBe('A');
    expect(tierOf({ contractedCapacityKva: 1_000, importanceGrade: 'first' })).toBe('A');
    expect(tierOf({ contractedCapacityKva: 1_000, importanceGrade: 'second' })).toBe('C');
  });

  it('gives B from 3,150 kVA or 20 GWh, C below', () => {
    expect(tierOf({ contractedCapacityKva: 3_150 })).toBe('B');
    expect(tierOf({ contractedCapacityKva: 3_149 })).toBe('C');
    expect(tierOf({ contractedCapacityKva: 1_000, annualConsumptionKwh: 20_000_000 })).toBe('B');
    expect(tierOf({ contractedCapacityKva: 1_000, annualConsumptionKwh: 19_999_999 })).toBe('C');
  });

  it('explains the classification', () => {
    expect(classifyAccount({ ...base, contractedCapacityKva: 12_000, importanceGrade: 'first' }).reason).toBe(
      'tier A: capacity ≥ 10,000 kVA, importance grade first',
    );
  });

  it('follows a utility policy with the 315 kVA two-part tariff line', () => {
    const policy = keyAccountPolicySchema.parse({ qualifyCapacityKva: 315 });
    expect(classifyAccount({ ...base, contractedCapacityKva: 315 }, policy).tier).toBe('C');
    expect(classifyAccount({ ...base, contractedCapacityKva: 314 }, policy).tier).toBe('potential');
  });
});
