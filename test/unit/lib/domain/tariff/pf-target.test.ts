import { describe, expect, it } from 'vitest';
import { pfTargetFor } from '../../../../../lib/domain/index.ts';
import { thrownBy } from '../../../../support/thrown.ts';

const codeOf = (fn: () => unknown) => thrownBy(fn).code;

describe('PF target by tariff class (1983 rule; domain.md §3)', () => {
  it('0.90 for high-voltage industrial customers of 160 kVA and more (160 included)', () => {
    expect(pfTargetFor('hv_industrial', 160).targetPf).toBe(0.9);
    expect(pfTargetFor('hv_industrial', 20_000)).toMatchObject({
      targetPf: 0.9,
      reason: expect.stringContaining('≥ 160 kVA'),
    });
  });

  it('an HV industrial customer under 160 kVA falls back to 0.85 (other industrial ≥ 100 kVA)', () => {
    expect(pfTargetFor('hv_industrial', 159.9)).toMatchObject({
      targetPf: 0.85,
      reason: expect.stringContaining('under 160 kVA'),
    });
  });

  it('0.85 for other industrial and non-industrial customers of 100 kVA and more', () => {
    expect(pfTargetFor('general', 100).targetPf).toBe(0.85);
  });

  it('0.80 for agricultural and wholesale customers of 100 kVA and more', () => {
    expect(pfTargetFor('agricultural', 100).targetPf).toBe(0.8);
  });

  it('no target under 100 kVA: the rule does not apply', () => {
    for (const c of ['hv_industrial', 'general', 'agricultural'] as const)
      expect(pfTargetFor(c, 99.9)).toMatchObject({ targetPf: null, reason: expect.stringContaining('does not apply') });
  });

  it('a contract override wins and says so', () => {
    expect(pfTargetFor('general', 50, 0.9)).toEqual({ targetPf: 0.9, reason: 'set for this account (contract): 0.90' });
    expect(pfTargetFor('general', 500, null).targetPf).toBe(0.85);
  });

  it('refuses an override outside (0, 1], a negative capacity and an unknown class', () => {
    expect(codeOf(() => pfTargetFor('general', 500, 1.2))).toBe('TARIFF_BAD_ARGUMENT');
    expect(codeOf(() => pfTargetFor('general', 500, 0))).toBe('TARIFF_BAD_ARGUMENT');
    expect(codeOf(() => pfTargetFor('general', -1))).toBe('TARIFF_BAD_ARGUMENT');
    expect(codeOf(() => pfTargetFor('residential' as never, 500))).toBe('TARIFF_BAD_ARGUMENT');
  });
});
