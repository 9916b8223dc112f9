// Sparkplug B session tracking (domain.md §9), pure: no sockets, no clock of its own.
//   spBv1.0/<group>/<type>/<edge_node>[/<device>]
// Every edge-node message carries seq 0..255, wrapping. A gap, or data before the birth that
// declares its metrics, asks for a rebirth (NCMD "Node Control/Rebirth"). Metric timestamps,
// not arrival time, are the reading time; DBIRTH declares aliases that DDATA may use instead of
// names.
import { READING_KEYS, type ReadingKey, type ReadingValues } from '../../lib/domain/index.ts';
import { checkBounds } from '../reading-bounds.ts';

export const SPARKPLUG_NAMESPACE = 'spBv1.0';
export const SPARKPLUG_FILTERS = ['NBIRTH/+', 'NDEATH/+', 'NDATA/+', 'DBIRTH/+/+', 'DDATA/+/+', 'DDEATH/+/+'].map(
  (suffix) => `${SPARKPLUG_NAMESPACE}/+/${suffix}`,
);
export const REBIRTH_METRIC = 'Node Control/Rebirth';
const SEQ_MODULO = 256;

export type SparkplugMessageType =
  'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDEATH' | 'NDATA' | 'DDATA' | 'NCMD' | 'DCMD' | 'STATE';

export interface SparkplugTopic {
  group: string;
  type: SparkplugMessageType;
  edgeNode: string;
  device?: string;
}

export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== SPARKPLUG_NAMESPACE || parts.length < 4 || parts.length > 5) return undefined;
  const [, group, type, edgeNode, device] = parts as [string, string, string, string, string | undefined];
  if (!['NBIRTH', 'NDEATH', 'DBIRTH', 'DDEATH', 'NDATA', 'DDATA', 'NCMD', 'DCMD'].includes(type)) return undefined;
  return { group, type: type as SparkplugMessageType, edgeNode, device };
}

/** The DDATA topic of a device: how a Sparkplug meter is named in `meters.topic`. */
export function deviceDataTopic(t: { group: string; edgeNode: string; device: string }): string {
  return `${SPARKPLUG_NAMESPACE}/${t.group}/DDATA/${t.edgeNode}/${t.device}`;
}

/** Decoded metric, numbers already plain (Long converted by the adapter). */
export interface SparkplugMetric {
  name?: string | null;
  alias?: number | null;
  timestamp?: number | null;
  value: unknown;
  isNull?: boolean | null;
}

export interface SparkplugPayload {
  timestamp?: number | null;
  seq?: number | null;
  metrics: SparkplugMetric[];
}

export interface DeviceReading {
  /** reading time: the metric's timestamp, else the payload's, else arrival (flagged) */
  ts: number;
  arrivalTime: boolean;
  values: ReadingValues;
}

export interface SparkplugOutcome {
  /** ask the edge node to rebirth (seq gap, data before birth, unknown alias) */
  rebirth?: { reason: string };
  /** readings of a device (DBIRTH carries current values too) */
  readings?: DeviceReading[];
  /** the message cannot be used: becomes a dead letter */
  reject?: { reason: string };
}

interface NodeState {
  born: boolean;
  lastSeq: number | undefined;
  bdSeq: number | undefined;
}

interface DeviceState {
  born: boolean;
  aliases: Map<number, string>;
}

const READING_KEY_SET = new Set<string>(READING_KEYS);

/** The ReadingValues key of a metric name: the last path segment (`Meter/voltageAV` → voltageAV). */
export function readingKeyOf(name: string): ReadingKey | undefined {
  const last = name.slice(name.lastIndexOf('/') + 1);
  return READING_KEY_SET.has(last) ? (last as ReadingKey) : undefined;
}

export interface SparkplugSession {
  handle(topic: SparkplugTopic, payload: SparkplugPayload, now: number): SparkplugOutcome;
}

export function createSparkplugSession(): SparkplugSession {
  const nodes = new Map<string, NodeState>();
  const devices = new Map<string, DeviceState>();
  const nodeKey = (t: SparkplugTopic) => `${t.group}/${t.edgeNode}`;
  const deviceKey = (t: SparkplugTopic) => `${t.group}/${t.edgeNode}/${t.device ?? ''}`;

  /** Checks and advances the node's seq; returns a rebirth reason on a gap. */
  function advanceSeq(node: NodeState, seq: number | null | undefined): string | undefined {
    if (seq === null || seq === undefined) return undefined;
    const expected = node.lastSeq === undefined ? undefined : (node.lastSeq + 1) % SEQ_MODULO;
    node.lastSeq = seq;
    if (expected !== undefined && seq !== expected) return `seq gap: expected ${expected}, got ${seq}`;
    return undefined;
  }

  function extractReadings(
    payload: SparkplugPayload,
    device: DeviceState | undefined,
    now: number,
  ): { readings: DeviceReading[]; unknownAlias: boolean; reject?: string } {
    const byTs = new Map<string, DeviceReading>();
    let unknownAlias = false;
    for (const metric of payload.metrics) {
      let name = metric.name ?? undefined;
      if (!name && metric.alias !== null && metric.alias !== undefined) {
        name = device?.aliases.get(metric.alias);
        if (!name) {
          unknownAlias = true;
          continue;
        }
      }
      if (!name) continue;
      const key = readingKeyOf(name);
      if (!key || metric.isNull) continue;
      if (typeof metric.value !== 'number') {
        return { readings: [], unknownAlias, reject: `metrics.${name}: expected a number, got ${typeof metric.value}` };
      }
      const problem = checkBounds(key, metric.value);
      if (problem) return { readings: [], unknownAlias, reject: `metrics.${name}: ${problem}` };
      const ts = metric.timestamp ?? payload.timestamp ?? now;
      const arrivalTime = metric.timestamp == null && payload.timestamp == null;
      const slot = `${ts}`;
      let reading = byTs.get(slot);
      if (!reading) byTs.set(slot, (reading = { ts, arrivalTime, values: {} }));
      reading.values[key] = metric.value;
    }
    return { readings: [...byTs.values()].sort((a, b) => a.ts - b.ts), unknownAlias };
  }

  return {
    handle(topic, payload, now) {
      const nk = nodeKey(topic);
      let node = nodes.get(nk);
      if (!node) nodes.set(nk, (node = { born: false, lastSeq: undefined, bdSeq: undefined }));

      switch (topic.type) {
        case 'NBIRTH': {
          node.born = true;
          node.lastSeq = payload.seq ?? 0;
          const bd = payload.metrics.find((m) => m.name === 'bdSeq');
          node.bdSeq = typeof bd?.value === 'number' ? bd.value : undefined;
          // A new node session: its devices must be born again.
          for (const [k, d] of devices) if (k.startsWith(`${nk}/`)) d.born = false;
          return {};
        }
        case 'NDEATH': {
          const bd = payload.metrics.find((m) => m.name === 'bdSeq');
          // An NDEATH of an older session (stale will message) must not kill the current one.
          if (node.bdSeq === undefined || typeof bd?.value !== 'number' || bd.value === node.bdSeq) {
            node.born = false;
            node.lastSeq = undefined;
          }
          return {};
        }
        case 'DBIRTH':
        case 'DDATA':
        case 'DDEATH':
        case 'NDATA': {
          const gap = node.born ? advanceSeq(node, payload.seq) : undefined;
          let rebirth: SparkplugOutcome['rebirth'] = gap ? { reason: gap } : undefined;
          if (!node.born) rebirth = { reason: `${topic.type} before NBIRTH of ${nk}` };
          if (topic.type === 'NDATA') return rebirth ? { rebirth } : {};
          const dk = deviceKey(topic);
          let device = devices.get(dk);
          if (topic.type === 'DDEATH') {
            if (device) device.born = false;
            return rebirth ? { rebirth } : {};
          }
          if (topic.type === 'DBIRTH') {
            device = { born: true, aliases: new Map() };
            devices.set(dk, device);
            for (const m of payload.metrics) {
              if (m.name && m.alias !== null && m.alias !== undefined) device.aliases.set(m.alias, m.name);
            }
          } else if (!device?.born) {
            rebirth ??= { reason: `DDATA before DBIRTH of ${dk}` };
          }
          const { readings, unknownAlias, reject } = extractReadings(payload, device, now);
          if (unknownAlias) rebirth ??= { reason: `metric alias unknown for ${dk}` };
          if (reject) return { reject: { reason: reject }, ...(rebirth ? { rebirth } : {}) };
          return { readings, ...(rebirth ? { rebirth } : {}) };
        }
        default:
          return {};
      }
    },
  };
}
