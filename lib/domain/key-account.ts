import { z } from 'zod';

// Key-account qualification and tier (domain.md §1). Thresholds are policy, configurable per
// utility (many use 315 kVA, the two-part tariff line, instead of 1000 kVA).

export const keyAccountPolicySchema = z.object({
  qualifyCapacityKva: z.number().positive().default(1000),
  qualifyAnnualKwh: z.number().positive().default(5_000_000),
  qualifyDualSupply: z.boolean().default(true),
  tierACapacityKva: z.number().positive().default(10_000),
  tierAAnnualKwh: z.number().positive().default(50_000_000),
  tierBCapacityKva: z.number().positive().default(3_150),
  tierBAnnualKwh: z.number().positive().default(20_000_000),
  /** "potential" when within this fraction of a qualifying threshold */
  potentialMargin: z.number().min(0).max(1).default(0.2),
});

export type KeyAccountPolicy = z.infer<typeof keyAccountPolicySchema>;

export const DEFAULT_KEY_ACCOUNT_POLICY: KeyAccountPolicy = keyAccountPolicySchema.parse({});

export type ImportanceGrade = 'special' | 'first' | 'second' | 'temporary' | 'none';
export type Tier = 'A' | 'B' | 'C' | 'potential' | 'none';

export interface AccountFacts {
  contractedCapacityKva: number;
  annualConsumptionKwh: number;
  dualSupply: boolean;
  importanceGrade: ImportanceGrade;
}

export interface Classification {
  isKeyAccount: boolean;
  tier: Tier;
  reason: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function classifyAccount(
  facts: AccountFacts,
  policy: KeyAccountPolicy = DEFAULT_KEY_ACCOUNT_POLICY,
): Classification {
  const { contractedCapacityKva: kva, annualConsumptionKwh: kwh, dualSupply, importanceGrade } = facts;

  const qualifying: string[] = [];
  if (kva >= policy.qualifyCapacityKva) qualifying.push(`capacity ${fmt(kva)} kVA ≥ ${fmt(policy.qualifyCapacityKva)}`);
  if (kwh >= policy.qualifyAnnualKwh) qualifying.push(`annual ${fmt(kwh)} kWh ≥ ${fmt(policy.qualifyAnnualKwh)}`);
  if (policy.qualifyDualSupply && dualSupply) qualifying.push('dual supply');

  if (qualifying.length === 0) {
    const nearCapacity = kva >= policy.qualifyCapacityKva * (1 - policy.potentialMargin);
    const nearAnnual = kwh >= policy.qualifyAnnualKwh * (1 - policy.potentialMargin);
    if (nearCapacity || nearAnnual) {
      const what = nearCapacity ? `capacity ${fmt(kva)} kVA` : `annual ${fmt(kwh)} kWh`;
      return {
        isKeyAccount: false,
        tier: 'potential',
        reason: `${what} within ${Math.round(policy.potentialMargin * 100)} % of the key-account threshold`,
      };
    }
    return { isKeyAccount: false, tier: 'none', reason: 'below every key-account threshold' };
  }

  const tierA: string[] = [];
  if (kva >= policy.tierACapacityKva) tierA.push(`capacity ≥ ${fmt(policy.tierACapacityKva)} kVA`);
  if (kwh >= policy.tierAAnnualKwh) tierA.push(`annual ≥ ${fmt(policy.tierAAnnualKwh)} kWh`);
  if (importanceGrade === 'special' || importanceGrade === 'first') tierA.push(`importance grade ${importanceGrade}`);
  if (tierA.length > 0) return { isKeyAccount: true, tier: 'A', reason: `tier A: ${tierA.join(', ')}` };

  const tierB: string[] = [];
  if (kva >= policy.tierBCapacityKva) tierB.push(`capacity ≥ ${fmt(policy.tierBCapacityKva)} kVA`);
  if (kwh >= policy.tierBAnnualKwh) tierB.push(`annual ≥ ${fmt(policy.tierBAnnualKwh)} kWh`);
  if (dualSupply) tierB.push('dual supply');
  if (tierB.length > 0) return { isKeyAccount: true, tier: 'B', reason: `tier B: ${tierB.join(', ')}` };

  return { isKeyAccount: true, tier: 'C', reason: `tier C: key account by ${qualifying.join(', ')}` };
}
