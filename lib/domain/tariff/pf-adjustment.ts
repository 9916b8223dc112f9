import { z } from 'zod';
import { parseWith, TariffError } from './errors.ts';

// Power-factor tariff adjustment (功率因数调整电费), the national rule of 1983: 《功率因数调整
// 电费办法》, (83)水电财字第215号, Ministry of Water Resources and Electric Power and National
// Price Bureau, 2 December 1983 (text: https://777doc.com/doc-5713324.html). The month's bill
// rises when the monthly PF is below the account's target (0.90, 0.85 or 0.80) and falls when it
// is above, by the percentages of the rule's three tables (附表一、二、三). The tables are data
// (reference/tariffs/pf-adjustment.json, docs/reference-data.md): a utility with its own table
// edits the file, not the code.
//
// Rounding: the rule's practice is "功率因数计算一律取小数后二位为止，二位以后四舍五入" — the
// PF is taken to two decimals, rounding half up (0.855 → 0.86, 0.754 → 0.75), then looked up
// (https://m.zjtcn.com/news/50218378.html; also http://www.wendahu.com/ask/l/lv2874318.htm).
// Half up, not half-even, because that is what the bills use; a tolerance of 1e-9 keeps binary
// floating point from turning 0.855 (stored as 0.85499999…) into 0.85.

const hundredths = (message: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, message);

export const pfAdjustmentTableSchema = z
  .strictObject({
    /** the account's PF target (功率因数标准值) this table belongs to */
    targetPf: hundredths('targetPf must have two decimals, e.g. 0.90').refine((v) => v > 0, 'targetPf must be > 0'),
    /** who the rule applies this target to (documentation only) */
    appliesTo: z.string().optional(),
    /**
     * Below the target: going down from the target, each 0.01 adds `percentPer001` % to the bill
     * until `downToPf`, then the next step's rate applies. The last step must reach 0.
     */
    penaltySteps: z
      .array(
        z.strictObject({
          downToPf: hundredths('downToPf must have two decimals'),
          percentPer001: z.number().finite().positive(),
        }),
      )
      .min(1),
    /**
     * Above the target: the reduction (减收, %) at each PF from target + 0.01 upwards, one row per
     * 0.01; at and above the last row its value applies (the cap).
     */
    reductions: z.array(
      z.strictObject({
        pf: hundredths('pf must have two decimals'),
        reductionPercent: z.number().finite().positive(),
      }),
    ),
  })
  .superRefine((t, ctx) => {
    const target = toHundredths(t.targetPf);
    let previous = target;
    t.penaltySteps.forEach((s, i) => {
      const h = toHundredths(s.downToPf);
      if (h >= previous)
        ctx.addIssue({
          code: 'custom',
          path: ['penaltySteps', i, 'downToPf'],
          message: `downToPf ${s.downToPf} must be below ${(previous / 100).toFixed(2)}`,
        });
      previous = h;
    });
    const last = t.penaltySteps[t.penaltySteps.length - 1];
    if (last && toHundredths(last.downToPf) !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['penaltySteps', t.penaltySteps.length - 1, 'downToPf'],
        message: 'the last penalty step must reach 0 so every PF has a percentage',
      });
    let reduction = 0;
    t.reductions.forEach((r, i) => {
      const expected = target + i + 1;
      if (toHundredths(r.pf) !== expected)
        ctx.addIssue({
          code: 'custom',
          path: ['reductions', i, 'pf'],
          message: `expected pf ${(expected / 100).toFixed(2)}: rows go up by 0.01 from the target`,
        });
      if (r.reductionPercent < reduction)
        ctx.addIssue({
          code: 'custom',
          path: ['reductions', i, 'reductionPercent'],
          message: `reduction ${r.reductionPercent} % is less than the ${reduction} % of a lower PF`,
        });
      reduction = r.reductionPercent;
    });
  });

export const pfAdjustmentFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    sources: z.array(z.string().min(1)).min(1),
    tables: z.array(pfAdjustmentTableSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<number>();
    file.tables.forEach((t, i) => {
      const h = toHundredths(t.targetPf);
      if (seen.has(h))
        ctx.addIssue({
          code: 'custom',
          path: ['tables', i, 'targetPf'],
          message: `a second table for target ${t.targetPf}`,
        });
      seen.add(h);
    });
  });

export type PfAdjustmentTable = z.infer<typeof pfAdjustmentTableSchema>;
export type PfAdjustmentFile = z.infer<typeof pfAdjustmentFileSchema>;

/** Validate a PF adjustment file document (parsed JSON); TARIFF_INVALID names every field. */
export function parsePfAdjustmentFile(document: unknown, origin = 'PF adjustment file'): PfAdjustmentFile {
  return parseWith(pfAdjustmentFileSchema, document, origin);
}

function toHundredths(v: number): number {
  return Math.round(v * 100);
}

/**
 * The billed PF in hundredths: two decimals, half up (see the file comment). 0.855 → 86.
 * Throws TARIFF_BAD_ARGUMENT unless 0 ≤ pf ≤ 1.
 */
export function roundPfHundredths(pf: number): number {
  if (!Number.isFinite(pf) || pf < 0 || pf > 1)
    throw new TariffError('TARIFF_BAD_ARGUMENT', `power factor ${pf} must be between 0 and 1`);
  return Math.floor(pf * 100 + 0.5 + 1e-9);
}

/** The PF as billed: rounded half up to two decimals (0.855 → 0.86, 0.754 → 0.75). */
export function roundPfForBilling(pf: number): number {
  return roundPfHundredths(pf) / 100;
}

/** The table for a target PF; throws TARIFF_NO_PF_TABLE listing the targets available. */
export function pfTableFor(targetPf: number, tables: readonly PfAdjustmentTable[]): PfAdjustmentTable {
  const table = tables.find((t) => toHundredths(t.targetPf) === toHundredths(targetPf));
  if (!table)
    throw new TariffError(
      'TARIFF_NO_PF_TABLE',
      `no PF adjustment table for target ${targetPf}; tables exist for ${tables.map((t) => t.targetPf.toFixed(2)).join(', ')}`,
    );
  return table;
}

/**
 * Bill adjustment in percent for a monthly PF against the account's target: positive raises
 * the bill (PF below target), negative lowers it, 0 at the target. The PF is first rounded to
 * two decimals half up, as the rule's practice requires. Example (table for 0.90): PF 0.60 →
 * 20 steps × 0.5 + 5 × 1 + 5 × 2 = +25 %; PF 0.97 → −0.75 % (the cap).
 */
export function pfAdjustmentPercent(pf: number, targetPf: number, tables: readonly PfAdjustmentTable[]): number {
  const table = pfTableFor(targetPf, tables);
  const actual = roundPfHundredths(pf);
  const target = toHundredths(table.targetPf);
  if (actual === target) return 0;
  if (actual > target) {
    const row = table.reductions[Math.min(actual - target, table.reductions.length) - 1];
    return row ? -row.reductionPercent : 0;
  }
  let percent = 0;
  let from = target;
  for (const step of table.penaltySteps) {
    const to = Math.max(actual, toHundredths(step.downToPf));
    percent += (from - to) * step.percentPer001;
    if (to === actual) break;
    from = to;
  }
  return Math.round(percent * 1e6) / 1e6; // whole steps of table values: drop binary noise
}
