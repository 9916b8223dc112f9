// Lifecycle of one gateway connection as an explicit state machine (conventions.md §5):
//
//   idle ──connect──▶ connecting ──connected──▶ connected
//                        │                          │
//                      failed                      lost
//                        ▼                          ▼
//                     backoff ◀─────────────────────┘
//                        │
//                      retry ──▶ connecting
//
//   any state ──stop──▶ stopped (final)
import { IngestError } from '../errors.ts';

export const CONNECTION_STATES = ['idle', 'connecting', 'connected', 'backoff', 'stopped'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export type ConnectionEvent = 'connect' | 'connected' | 'failed' | 'lost' | 'retry' | 'stop';

export const CONNECTION_TRANSITIONS: Readonly<
  Record<ConnectionState, Readonly<Partial<Record<ConnectionEvent, ConnectionState>>>>
> = {
  idle: { connect: 'connecting', stop: 'stopped' },
  connecting: { connected: 'connected', failed: 'backoff', stop: 'stopped' },
  connected: { lost: 'backoff', stop: 'stopped' },
  backoff: { retry: 'connecting', stop: 'stopped' },
  stopped: {},
};

/** The next state, or INGEST_BAD_TRANSITION for an event the state does not accept. */
export function nextConnectionState(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  const next = CONNECTION_TRANSITIONS[state][event];
  if (!next) throw new IngestError('INGEST_BAD_TRANSITION', `connection cannot take "${event}" in state "${state}"`);
  return next;
}
