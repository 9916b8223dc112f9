// What an MQTT meter publishes at a reading slot, pure: a reading, nothing (not answering), or
// a malformed payload. Shared by the JSON and the Sparkplug publishers.
import { isFaultKind, MALFORMED_VARIANTS, type MalformedVariant } from '../fault-kinds.ts';
import type { MeterSnapshot } from '../meter-model.ts';
import type { SimMeter } from '../sim-meter.ts';

export type Publication =
  | { readonly kind: 'reading'; readonly snapshot: MeterSnapshot }
  | { readonly kind: 'silent' }
  | { readonly kind: 'malformed'; readonly variant: MalformedVariant; readonly snapshot: MeterSnapshot };

/**
 * The next reading slot to publish, or undefined when the current one was already published.
 * Slots are multiples of the interval (epoch-aligned), the first one is the simulation start.
 * When simulated time runs faster than the publisher ticks, skipped slots stay skipped, like a
 * meter that publishes its current value and not a backlog.
 */
export function dueSlotMs(
  simNowMs: number,
  startTimeMs: number,
  intervalMs: number,
  lastSlotMs: number | undefined,
): number | undefined {
  const slot = Math.max(startTimeMs, Math.floor(simNowMs / intervalMs) * intervalMs);
  if (slot > simNowMs || (lastSlotMs !== undefined && slot <= lastSlotMs)) return undefined;
  return slot;
}

/**
 * What `meter` publishes for the reading at `slotMs`. `malformedCount` is how many malformed
 * payloads this meter sent before: variant 'cycle' walks through all variants with it.
 */
export function publicationAt(meter: SimMeter, slotMs: number, malformedCount: number): Publication {
  const fault = meter.transportFaultAt(slotMs);
  if (fault && isFaultKind(fault, 'not_answering')) return { kind: 'silent' };
  const snapshot = meter.model.snapshotAt(slotMs);
  if (fault && isFaultKind(fault, 'malformed_payload')) {
    const variant =
      fault.params.variant === 'cycle'
        ? MALFORMED_VARIANTS[malformedCount % MALFORMED_VARIANTS.length]!
        : fault.params.variant;
    return { kind: 'malformed', variant, snapshot };
  }
  return { kind: 'reading', snapshot };
}

/** A publication that is due, for the publisher to encode in its own format. */
export interface DuePublication {
  readonly code: string;
  readonly slotMs: number;
  readonly publication: Exclude<Publication, { kind: 'silent' }>;
}

/**
 * The slot bookkeeping both MQTT publishers share: which meters have a reading slot due at
 * `simNowMs` (each slot once), and what each publishes there; silent meters are left out.
 */
export class PublicationSchedule {
  private readonly lastSlotMs = new Map<string, number>();
  private readonly malformedCount = new Map<string, number>();

  constructor(
    private readonly meters: readonly SimMeter[],
    private readonly startTimeMs: number,
    private readonly intervalMs: number,
  ) {}

  due(simNowMs: number): DuePublication[] {
    const out: DuePublication[] = [];
    for (const meter of this.meters) {
      const code = meter.spec.code;
      const slotMs = dueSlotMs(simNowMs, this.startTimeMs, this.intervalMs, this.lastSlotMs.get(code));
      if (slotMs === undefined) continue;
      this.lastSlotMs.set(code, slotMs);
      const malformedSoFar = this.malformedCount.get(code) ?? 0;
      const publication = publicationAt(meter, slotMs, malformedSoFar);
      if (publication.kind === 'silent') continue;
      if (publication.kind === 'malformed') this.malformedCount.set(code, malformedSoFar + 1);
      out.push({ code, slotMs, publication });
    }
    return out;
  }
}
