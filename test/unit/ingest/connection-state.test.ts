import { describe, expect, it } from 'vitest';
import {
  CONNECTION_STATES,
  CONNECTION_TRANSITIONS,
  nextConnectionState,
  type ConnectionEvent,
} from '../../../ingest/modbus/index.ts';

const EVENTS: ConnectionEvent[] = ['connect', 'connected', 'failed', 'lost', 'retry', 'stop'];

describe('gateway connection state machine', () => {
  it('has exactly this transition table', () => {
    expect(CONNECTION_TRANSITIONS).toEqual({
      idle: { connect: 'connecting', stop: 'stopped' },
      connecting: { connected: 'connected', failed: 'backoff', stop: 'stopped' },
      connected: { lost: 'backoff', stop: 'stopped' },
      backoff: { retry: 'connecting', stop: 'stopped' },
      stopped: {},
    });
  });

  it.each(CONNECTION_STATES.flatMap((s) => EVENTS.map((e) => [s, e] as const)))(
    '%s + %s: table entry or INGEST_BAD_TRANSITION',
    (state, event) => {
      const expected = CONNECTION_TRANSITIONS[state][event];
      if (expected) expect(nextConnectionState(state, event)).toBe(expected);
      else
        expect(() => nextConnectionState(state, event)).toThrow(
          expect.objectContaining({ code: 'INGEST_BAD_TRANSITION' }),
        );
    },
  );

  it('walks a gateway that drops and comes back: idle → connecting → connected → backoff → connecting → connected', () => {
    const path = (['connect', 'connected', 'lost', 'retry', 'connected'] as ConnectionEvent[]).reduce<string[]>(
      (states, e) => [...states, nextConnectionState(states.at(-1) as never, e)],
      ['idle'],
    );
    expect(path).toEqual(['idle', 'connecting', 'connected', 'backoff', 'connecting', 'connected']);
  });

  it('can be stopped from every state except stopped, which is final', () => {
    for (const s of CONNECTION_STATES.filter((x) => x !== 'stopped'))
      expect(nextConnectionState(s, 'stop')).toBe('stopped');
    for (const e of EVENTS) expect(() => nextConnectionState('stopped', e)).toThrow();
  });
});
