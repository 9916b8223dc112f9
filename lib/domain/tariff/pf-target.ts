import { TariffError } from './errors.ts';

// PF target (功率因数标准值) by tariff class, from the 1983 rule (domain.md §3; rule text
// https://777doc.com/doc-5713324.html):
//   0.90 — high-voltage industrial customers of 160 kVA and more (also HV customers with on-load
//          voltage regulation and HV pumping stations ≥ 3200 kVA: give them class hv_industrial);
//   0.85 — other industrial, non-industrial and pumping-station customers of 100 kVA (kW) and more
//          (and wholesale customers that are large industrial users not managed by the utility);
//   0.80 — agricultural and wholesale (趸售) customers of 100 kVA (kW) and more.
// Below 100 kVA the rule does not apply: no PF adjustment. domain.md §3 reads "160 kVA" as ≥ 160.

export const TARIFF_CLASSES = ['hv_industrial', 'general', 'agricultural'] as const;
export type TariffClass = (typeof TARIFF_CLASSES)[number];

/** 1983 rule: the 0.90 target is for HV industrial customers of 160 kVA and more. */
export const HV_INDUSTRIAL_MIN_KVA = 160;
/** 1983 rule: no customer under 100 kVA (kW) has a PF target. */
export const PF_RULE_MIN_KVA = 100;

export interface PfTarget {
  /** null: the PF adjustment does not apply */
  targetPf: number | null;
  reason: string;
}

/**
 * The PF target of an account and why. `overridePf` (from the supply contract) wins; it must be
 * in (0, 1]. An hv_industrial account under 160 kVA falls back to the 0.85 of "other
 * industrial" customers.
 */
export function pfTargetFor(tariffClass: TariffClass, capacityKva: number, overridePf?: number | null): PfTarget {
  if (!Number.isFinite(capacityKva) || capacityKva < 0)
    throw new TariffError('TARIFF_BAD_ARGUMENT', `capacityKva must be a number ≥ 0, got ${capacityKva}`);
  if (overridePf !== undefined && overridePf !== null) {
    if (!Number.isFinite(overridePf) || overridePf <= 0 || overridePf > 1)
      throw new TariffError('TARIFF_BAD_ARGUMENT', `PF target override ${overridePf} must be in (0, 1]`);
    return { targetPf: overridePf, reason: `set for this account (contract): ${overridePf.toFixed(2)}` };
  }
  if (!TARIFF_CLASSES.includes(tariffClass))
    throw new TariffError(
      'TARIFF_BAD_ARGUMENT',
      `tariff class "${String(tariffClass)}" is not one of ${TARIFF_CLASSES.join(', ')}`,
    );
  if (capacityKva < PF_RULE_MIN_KVA)
    return {
      targetPf: null,
      reason: `${capacityKva} kVA is under ${PF_RULE_MIN_KVA} kVA: the 1983 PF tariff rule does not apply`,
    };
  switch (tariffClass) {
    case 'hv_industrial':
      return capacityKva >= HV_INDUSTRIAL_MIN_KVA
        ? {
            targetPf: 0.9,
            reason: `high-voltage industrial, ${capacityKva} kVA ≥ ${HV_INDUSTRIAL_MIN_KVA} kVA: 0.90 (1983 rule)`,
          }
        : {
            targetPf: 0.85,
            reason: `high-voltage industrial under ${HV_INDUSTRIAL_MIN_KVA} kVA (${capacityKva} kVA): 0.85 as other industrial ≥ ${PF_RULE_MIN_KVA} kVA (1983 rule)`,
          };
    case 'general':
      return {
        targetPf: 0.85,
        reason: `other industrial or non-industrial, ${capacityKva} kVA ≥ ${PF_RULE_MIN_KVA} kVA: 0.85 (1983 rule)`,
      };
    case 'agricultural':
      return {
        targetPf: 0.8,
        reason: `agricultural or wholesale, ${capacityKva} kVA ≥ ${PF_RULE_MIN_KVA} kVA: 0.80 (1983 rule)`,
      };
  }
}
