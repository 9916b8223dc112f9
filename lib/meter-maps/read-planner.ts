// Pure read planning: which block reads cover a set of registers of a map, within the
// device's limits (domain.md §8: merge contiguous reads up to the device's limit; §8.1 SDM630:
// at most 80 registers, even start and count).
import { MeterMapError } from './errors.ts';
import { REGISTER_WORDS, type MeterMap, type ReadFunctionCode, type RegisterField } from './meter-map-schema.ts';

export interface ReadBlock {
  readonly fc: ReadFunctionCode;
  /** 0-based first register */
  readonly start: number;
  /** number of registers, 1..maxRegistersPerRead */
  readonly count: number;
}

export interface PlanReadOptions {
  /** only these keys (quantities or extras); default: every quantity */
  readonly keys?: readonly string[];
  /** also read the extras (settings, demand); ignored when `keys` is given */
  readonly includeExtras?: boolean;
}

interface Span {
  fc: ReadFunctionCode;
  blockIndex: number;
  start: number;
  /** exclusive */
  end: number;
}

/**
 * Plan the fewest reads that cover the wanted registers. Reads never leave a declared block
 * (addresses outside get exception 02), so gaps are bridged only inside one block.
 */
export function planReadBlocks(map: MeterMap, options: PlanReadOptions = {}): ReadBlock[] {
  const all: readonly RegisterField[] = [...map.quantities, ...map.extras];
  let fields: readonly RegisterField[];
  if (options.keys) {
    const wanted = new Set(options.keys);
    fields = all.filter((f) => wanted.has(f.key));
    const missing = [...wanted].filter((k) => !all.some((f) => f.key === k));
    if (missing.length > 0) {
      throw new MeterMapError('METER_MAP_BAD_ARGUMENT', `map ${map.name} has no register for ${missing.join(', ')}`);
    }
  } else {
    fields = options.includeExtras ? all : map.quantities;
  }

  const { maxRegistersPerRead, evenAlignment } = map.limits;
  const spans: Span[] = fields
    .map((f) => ({
      fc: f.fc,
      blockIndex: map.blocks.findIndex(
        (b) => b.fc === f.fc && f.address >= b.start && f.address + REGISTER_WORDS[f.type] - 1 <= b.end,
      ),
      start: f.address,
      end: f.address + REGISTER_WORDS[f.type],
    }))
    .sort((a, b) => a.fc - b.fc || a.start - b.start);

  const reads: ReadBlock[] = [];
  let current: Span | undefined;
  const flush = (): void => {
    if (!current) return;
    let start = current.start;
    let end = current.end;
    if (evenAlignment) {
      start -= start % 2;
      end += (end - start) % 2;
    }
    reads.push({ fc: current.fc, start, count: end - start });
    current = undefined;
  };
  for (const span of spans) {
    if (
      current &&
      current.fc === span.fc &&
      current.blockIndex === span.blockIndex &&
      alignedCount(current.start, Math.max(current.end, span.end), evenAlignment) <= maxRegistersPerRead
    ) {
      current.end = Math.max(current.end, span.end);
      continue;
    }
    flush();
    current = { ...span };
  }
  flush();
  return reads;
}

function alignedCount(start: number, end: number, evenAlignment: boolean): number {
  if (!evenAlignment) return end - start;
  const alignedStart = start - (start % 2);
  const count = end - alignedStart;
  return count + (count % 2);
}
