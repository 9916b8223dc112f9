// Schema of a register-map file (lib/meter-maps/maps/<name>.json). A map is data: adding a
// meter model means adding a file, not code (domain.md §8.3). Addresses are 0-based protocol
// addresses (domain.md §8) and may be written as integers or as "0x0048" strings.
import { z } from 'zod';
import { READING_KEYS, type ReadingKey } from '../domain/index.ts';

export const REGISTER_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32'] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

/** Which instrument-transformer ratio turns the meter's secondary value into a primary value. */
export const RATIO_KINDS = ['none', 'pt', 'ct', 'ptct'] as const;
export type RatioKind = (typeof RATIO_KINDS)[number];

/** Read functions a map can place registers in: 03 holding, 04 input registers. */
export type ReadFunctionCode = 3 | 4;
/** Functions a device may support; 06/16 are the register writes. */
export type FunctionCode = 3 | 4 | 6 | 16;

/** Modbus Application Protocol v1.1b3 §6.3/§6.4: a read carries 1..125 (0x7D) registers. */
export const MODBUS_MAX_READ_REGISTERS = 125;

/** Cumulative counters: the only quantities that may declare a rollover point. */
export const COUNTER_KEYS = [
  'importKwh',
  'exportKwh',
  'importKvarh',
  'exportKvarh',
] as const satisfies readonly ReadingKey[];
export type CounterKey = (typeof COUNTER_KEYS)[number];

export const REGISTER_WORDS: Readonly<Record<RegisterType, 1 | 2>> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
};

/** Raw range a register type can hold; used for validation and for clamping on encode. */
export const REGISTER_RAW_RANGE: Readonly<Record<RegisterType, { min: number; max: number }>> = {
  int16: { min: -0x8000, max: 0x7fff },
  uint16: { min: 0, max: 0xffff },
  int32: { min: -0x80000000, max: 0x7fffffff },
  uint32: { min: 0, max: 0xffffffff },
  float32: { min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
};

const addressSchema = z.union([
  z.number().int().min(0).max(0xffff),
  z
    .string()
    .regex(/^0x[0-9a-fA-F]{1,4}$/, 'must be an integer 0..65535 or a hex string like "0x0048"')
    .transform((hex) => Number.parseInt(hex, 16)),
]);

const readFcSchema = z.union([z.literal(3), z.literal(4)]);

const fieldShape = {
  key: z.string().min(1),
  fc: readFcSchema,
  address: addressSchema,
  type: z.enum(REGISTER_TYPES),
  /** engineering value (secondary side) = raw × scale */
  scale: z.number().positive(),
  ratio: z.enum(RATIO_KINDS),
  unit: z.string(),
  description: z.string().optional(),
};

const quantitySchema = z.strictObject({
  ...fieldShape,
  /** counters only: the register shows raw values 0 .. wrapAtRaw − 1 and then wraps to 0 */
  wrapAtRaw: z.number().positive().optional(),
});

const extraSchema = z.strictObject({
  ...fieldShape,
  /** may be written with FC06/FC16 */
  writable: z.boolean().default(false),
  /** engineering-value bounds a write must respect (exception 03 otherwise) */
  min: z.number().optional(),
  max: z.number().optional(),
});

const blockSchema = z.strictObject({
  fc: readFcSchema,
  start: addressSchema,
  /** inclusive */
  end: addressSchema,
});

export const meterMapSchema = z
  .strictObject({
    $comment: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case'),
    description: z.string(),
    /** where the addresses come from (manual, domain.md section) */
    source: z.string(),
    /** 'BE': high word first; 'LE': low word first. Per device, never guessed (domain.md §8). */
    wordOrder: z.enum(['BE', 'LE']),
    supportedFunctions: z.array(z.union([z.literal(3), z.literal(4), z.literal(6), z.literal(16)])).min(1),
    limits: z.strictObject({
      maxRegistersPerRead: z.number().int().min(1).max(MODBUS_MAX_READ_REGISTERS),
      /** start address and register count of every read must be even (SDM630, domain.md §8.1) */
      evenAlignment: z.boolean(),
    }),
    /** address ranges the device answers; reads outside them get exception 02 */
    blocks: z.array(blockSchema).min(1),
    quantities: z.array(quantitySchema).min(1),
    extras: z.array(extraSchema).default([]),
  })
  .superRefine((map, ctx) => {
    const fail = (path: (string | number)[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    const readingKeys = new Set<string>(READING_KEYS);
    const counterKeys = new Set<string>(COUNTER_KEYS);
    const seenKeys = new Set<string>();

    map.blocks.forEach((block, i) => {
      if (block.end < block.start) fail(['blocks', i, 'end'], 'end must be ≥ start');
      if (!map.supportedFunctions.includes(block.fc)) {
        fail(['blocks', i, 'fc'], `function ${block.fc} is not in supportedFunctions`);
      }
      if (map.limits.evenAlignment && (block.start % 2 !== 0 || (block.end - block.start + 1) % 2 !== 0)) {
        fail(['blocks', i], 'with evenAlignment a block must start at an even address and span an even count');
      }
    });

    const occupied = new Map<string, string>();
    const checkField = (
      list: 'quantities' | 'extras',
      i: number,
      field: { key: string; fc: ReadFunctionCode; address: number; type: RegisterType },
    ): void => {
      const words = REGISTER_WORDS[field.type];
      if (seenKeys.has(field.key)) fail([list, i, 'key'], `duplicate key ${field.key}`);
      seenKeys.add(field.key);
      const inBlock = map.blocks.some(
        (b) => b.fc === field.fc && field.address >= b.start && field.address + words - 1 <= b.end,
      );
      if (!inBlock) fail([list, i, 'address'], `${field.key} is not inside a declared block of function ${field.fc}`);
      if (map.limits.evenAlignment && words === 2 && field.address % 2 !== 0) {
        fail([list, i, 'address'], `${field.key}: 32-bit registers must start at an even address`);
      }
      for (let w = 0; w < words; w++) {
        const slot = `${field.fc}:${field.address + w}`;
        const other = occupied.get(slot);
        if (other !== undefined) fail([list, i, 'address'], `${field.key} overlaps ${other}`);
        occupied.set(slot, field.key);
      }
    };

    map.quantities.forEach((q, i) => {
      if (!readingKeys.has(q.key)) fail(['quantities', i, 'key'], `${q.key} is not a ReadingValues key`);
      checkField('quantities', i, q);
      if (q.wrapAtRaw !== undefined) {
        if (!counterKeys.has(q.key)) fail(['quantities', i, 'wrapAtRaw'], 'only counters may declare wrapAtRaw');
        if (q.wrapAtRaw - 1 > REGISTER_RAW_RANGE[q.type].max) {
          fail(['quantities', i, 'wrapAtRaw'], `wrapAtRaw exceeds the ${q.type} range`);
        }
      }
    });
    map.extras.forEach((x, i) => {
      if (readingKeys.has(x.key))
        fail(['extras', i, 'key'], `${x.key} is a ReadingValues key: list it under quantities`);
      checkField('extras', i, x);
      if (x.writable) {
        const words = REGISTER_WORDS[x.type];
        const canWrite = map.supportedFunctions.includes(16) || (words === 1 && map.supportedFunctions.includes(6));
        if (x.fc !== 3) fail(['extras', i, 'fc'], 'only holding registers (function 3) can be writable');
        if (!canWrite)
          fail(['extras', i, 'writable'], 'no write function (6/16) in supportedFunctions fits this register');
      }
    });
  });

export type MeterMapInput = z.input<typeof meterMapSchema>;
type ParsedMeterMap = z.output<typeof meterMapSchema>;
/** A quantity whose key the schema has checked against READING_KEYS. */
export type MeterMapQuantity = ParsedMeterMap['quantities'][number] & { readonly key: ReadingKey };
export type MeterMapExtra = ParsedMeterMap['extras'][number];
export type RegisterField = MeterMapQuantity | MeterMapExtra;
export type MeterMapBlock = ParsedMeterMap['blocks'][number];
export type MeterMap = Readonly<Omit<ParsedMeterMap, 'quantities'>> & {
  readonly quantities: readonly MeterMapQuantity[];
};
