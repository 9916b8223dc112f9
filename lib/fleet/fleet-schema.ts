import { z } from 'zod';
import { keyAccountPolicySchema } from '../domain/index.ts';

// The fleet file: who the account managers are, which key accounts they own, and how each
// meter is reached. Validated with zod so a typo names its field instead of failing later.

const code = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _');
const email = z.email();

export const managerSchema = z.strictObject({
  code,
  name: z.string().min(1),
  email,
  phone: z.string().optional(),
  locale: z.enum(['zh', 'en']).default('zh'),
  escalation: z.strictObject({ name: z.string().min(1), email, phone: z.string().optional() }).optional(),
});

const modbusEndpoint = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  unitId: z.number().int().min(0).max(255),
  map: z.string().min(1),
});

const mqttEndpoint = z.strictObject({
  topic: z.string().min(1),
  format: z.enum(['json', 'sparkplug']),
});

export const meterSchema = z
  .strictObject({
    code,
    name: z.string().default(''),
    protocol: z.enum(['modbus', 'mqtt']),
    modbus: modbusEndpoint.optional(),
    mqtt: mqttEndpoint.optional(),
    ptRatio: z.number().positive().default(1),
    ctRatio: z.number().positive().default(1),
    /** nominal system voltage, phase-to-phase, primary side */
    nominalVoltageV: z.number().positive(),
    wiring: z.enum(['3P4W', '3P3W', '1P2W']).default('3P4W'),
    ratedKw: z.number().positive().optional(),
    pollIntervalS: z.number().int().min(1).max(3600).default(15),
    /** false for a sub-meter downstream of another meter of the account (not added to its total) */
    inAccountTotal: z.boolean().default(true),
    /** how the demo simulator drives this meter (ignored for real meters) */
    simulation: z.strictObject({ profile: z.string().min(1), seed: z.number().int().optional() }).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.protocol === 'modbus' && !m.modbus)
      ctx.addIssue({ code: 'custom', path: ['modbus'], message: 'required when protocol is modbus' });
    if (m.protocol === 'mqtt' && !m.mqtt)
      ctx.addIssue({ code: 'custom', path: ['mqtt'], message: 'required when protocol is mqtt' });
  });

export const accountSchema = z.strictObject({
  code,
  name: z.string().min(1),
  industry: z.string().min(1),
  contractedCapacityKva: z.number().positive(),
  annualConsumptionKwh: z.number().min(0).default(0),
  dualSupply: z.boolean().default(false),
  supplyVoltageKv: z.number().positive().max(1000),
  importanceGrade: z.enum(['special', 'first', 'second', 'temporary', 'none']).default('none'),
  pfTarget: z.number().gt(0).max(1).default(0.9),
  voltageLimitsPct: z
    .strictObject({ upper: z.number().positive().max(30), lower: z.number().positive().max(30) })
    .optional(),
  notifyCustomer: z.boolean().default(false),
  customerContact: z.strictObject({ email: email.optional(), phone: z.string().optional() }).optional(),
  manager: code,
  meters: z.array(meterSchema).default([]),
});

export const fleetSchema = z
  .strictObject({
    policy: keyAccountPolicySchema.optional(),
    managers: z.array(managerSchema).min(1),
    accounts: z.array(accountSchema),
  })
  .superRefine((fleet, ctx) => {
    const managers = new Set(fleet.managers.map((m) => m.code));
    const seen = new Set<string>();
    fleet.accounts.forEach((a, i) => {
      if (!managers.has(a.manager)) {
        ctx.addIssue({ code: 'custom', path: ['accounts', i, 'manager'], message: `unknown manager "${a.manager}"` });
      }
      a.meters.forEach((m, j) => {
        if (seen.has(m.code))
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', i, 'meters', j, 'code'],
            message: `duplicate meter code "${m.code}"`,
          });
        seen.add(m.code);
      });
    });
  });

export type Fleet = z.infer<typeof fleetSchema>;
export type FleetAccount = z.infer<typeof accountSchema>;
export type FleetMeter = z.infer<typeof meterSchema>;
export type FleetManager = z.infer<typeof managerSchema>;
