// Supply voltage classes the simulator models, with the numbers that depend on them.

export interface SupplyVoltageClass {
  /** nominal system voltage, phase to phase (GB/T 12325 measures deviation against it, domain.md §2) */
  readonly nominalVoltageV: number;
  readonly label: string;
  /** PT ratio to a 100 V secondary; 1 = direct-connected LV meter */
  readonly ptRatio: number;
  /** GB/T 12325-2008 allowed deviation, domain.md §2 (for ≥35 kV: sum of |+| and |−| ≤ 10 %) */
  readonly allowedDeviationPct: number;
  /**
   * Default depth of an injected under/over-voltage fault, % of nominal: a little beyond the
   * allowed deviation so a voltage-quality rule must fire (project default, domain.md §2).
   */
  readonly defaultFaultDepthPct: number;
}

export const SUPPLY_VOLTAGE_CLASSES: readonly SupplyVoltageClass[] = [
  // 380 V LV, 220 V phase: GB/T 12325 "20 kV and below, three-phase: ±7 %"
  { nominalVoltageV: 380, label: '380 V', ptRatio: 1, allowedDeviationPct: 7, defaultFaultDepthPct: 10 },
  { nominalVoltageV: 10_000, label: '10 kV', ptRatio: 100, allowedDeviationPct: 7, defaultFaultDepthPct: 10 },
  // 35 kV and above: the sum rule ≤ 10 %; a one-sided 12 % deviation breaks it
  { nominalVoltageV: 35_000, label: '35 kV', ptRatio: 350, allowedDeviationPct: 10, defaultFaultDepthPct: 12 },
  { nominalVoltageV: 110_000, label: '110 kV', ptRatio: 1100, allowedDeviationPct: 10, defaultFaultDepthPct: 12 },
];

/** Secondary voltages meters accept (phase to phase): 100 V PT secondaries up to 400 V direct. */
export const METER_INPUT_RANGE_V = { min: 57, max: 480 } as const;

/**
 * The class for a nominal voltage: exact match, else the GB/T 12325 grouping
 * (≥ 35 kV: sum rule; below: ±7 %) with PT ratio to 100 V.
 */
export function supplyClassOf(nominalVoltageV: number): SupplyVoltageClass {
  const exact = SUPPLY_VOLTAGE_CLASSES.find((c) => c.nominalVoltageV === nominalVoltageV);
  if (exact) return exact;
  const high = nominalVoltageV >= 35_000;
  return {
    nominalVoltageV,
    label: `${nominalVoltageV} V`,
    ptRatio: nominalVoltageV <= METER_INPUT_RANGE_V.max ? 1 : nominalVoltageV / 100,
    allowedDeviationPct: high ? 10 : 7,
    defaultFaultDepthPct: high ? 12 : 10,
  };
}

/** Phase-to-neutral nominal voltage of a three-phase system: U_LL / √3. */
export function phaseVoltageOf(nominalLineVoltageV: number): number {
  return nominalLineVoltageV / Math.sqrt(3);
}
