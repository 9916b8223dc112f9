import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../lib/domain/index.ts';
import { readCookie, sessionCookie } from '../../../../services/api/auth/authenticate.ts';
import { LoginThrottle } from '../../../../services/api/auth/login-throttle.ts';
import { hashPassword, verifyPassword } from '../../../../services/api/auth/password.ts';
import { scopeOf, type Principal } from '../../../../services/api/auth/roles.ts';
import { localDayStart } from '../../../../services/api/context.ts';
import { csvField, toCsv } from '../../../../services/api/csv.ts';
import { chooseResolution } from '../../../../services/api/repositories/load-curve-repository.ts';
import { deriveCommState } from '../../../../services/api/repositories/meter-repository.ts';
import { decodeCursor, encodeCursor, parseInput, timeRange } from '../../../../services/api/route.ts';
import { z } from 'zod';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('password hashing', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const a = await hashPassword('s3cret-enough');
    const b = await hashPassword('s3cret-enough');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret-enough', a)).toBe(true);
    expect(await verifyPassword('s3cret-enougH', a)).toBe(false);
  });

  it('fails closed on a missing or malformed hash', async () => {
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999999$8$1$AAAA$BBBB')).toBe(false);
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180, leaves gaps empty and defuses spreadsheet formulas', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(new Date('2026-03-01T00:00:00Z'))).toBe('2026-03-01T00:00:00.000Z');
    expect(toCsv(['ts', 'kw'], [{ ts: 't1', kw: 2 }, { ts: 't2' }])).toBe('ts,kw\r\nt1,2\r\nt2,\r\n');
  });
});

describe('load curve resolution', () => {
  it.each([
    [HOUR, 'meter', 'raw'],
    [HOUR, 'account', '1m'],
    [6 * HOUR, 'meter', '1m'],
    [DAY, 'meter', '15m'],
    [30 * DAY, 'account', '15m'],
    [90 * DAY, 'account', '1d'],
  ] as const)('%d ms for a %s → %s', (span, level, expected) => {
    expect(chooseResolution(span, level)).toBe(expected);
  });
});

describe('inputs', () => {
  it('round-trips cursors and refuses forged ones by field', () => {
    const schema = z.object({ id: z.number().int() });
    expect(decodeCursor(encodeCursor({ id: 7 }), schema)).toEqual({ id: 7 });
    expect(decodeCursor(undefined, schema)).toBeUndefined();
    expect(() => decodeCursor(encodeCursor({ id: 'x' }), schema)).toThrow(expect.objectContaining({ field: 'cursor' }));
    expect(() => decodeCursor('%%%', schema)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('names the first bad field', () => {
    const schema = z.object({ a: z.object({ b: z.number() }) });
    expect(() => parseInput(schema, { a: { b: 'x' } }, 'body')).toThrow(
      expect.objectContaining({ field: 'a.b', statusCode: 400 }),
    );
    expect(() => parseInput(schema, undefined, 'body')).toThrow(expect.objectContaining({ field: 'body' }));
  });

  it('defaults a time range to the span before now and bounds it', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(timeRange(undefined, undefined, { spanMs: DAY, maxSpanMs: 2 * DAY, now })).toEqual({
      from: new Date('2026-02-28T12:00:00Z'),
      to: now,
    });
    expect(() => timeRange(new Date(0), now, { spanMs: DAY, maxSpanMs: 2 * DAY, now })).toThrow(
      expect.objectContaining({ field: 'to' }),
    );
  });
});

describe('time and status', () => {
  it('finds local midnight in China Standard Time (UTC+8, no daylight saving)', () => {
    expect(localDayStart(new Date('2026-03-01T15:59:59Z')).toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(localDayStart(new Date('2026-03-01T16:00:00Z')).toISOString()).toBe('2026-03-01T16:00:00.000Z');
    expect(localDayStart(new Date('2026-03-01T16:00:00Z'), 1).toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });

  it('derives communication state from the age of the newest reading', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const ago = (s: number) => new Date(now.getTime() - s * 1000);
    expect(deriveCommState(null, 15, now)).toBe('unknown');
    expect(deriveCommState(ago(45), 15, now)).toBe('ok');
    expect(deriveCommState(ago(61), 15, now)).toBe('failing');
    expect(deriveCommState(ago(16 * 60), 15, now)).toBe('lost');
  });
});

describe('access helpers', () => {
  const principal = (p: Partial<Principal>): Principal => ({
    userId: 1,
    username: 'u',
    displayName: '',
    role: 'dispatcher',
    managerId: null,
    accountId: null,
    locale: 'zh',
    via: 'token',
    ...p,
  });

  it('scopes managers to their accounts and customers to theirs', () => {
    expect(scopeOf(principal({ role: 'admin' }))).toEqual({ managerId: null, accountId: null });
    expect(scopeOf(principal({ role: 'account_manager', managerId: 3 }))).toEqual({ managerId: 3, accountId: null });
    expect(scopeOf(principal({ role: 'customer', accountId: 9 }))).toEqual({ managerId: null, accountId: 9 });
    // a broken link never widens the scope
    expect(scopeOf(principal({ role: 'customer' }))).toEqual({ managerId: null, accountId: -1 });
  });

  it('reads and writes the session cookie', () => {
    expect(readCookie('a=1; kam_session=abc; b=2', 'kam_session')).toBe('abc');
    expect(readCookie('kam_sessionx=1', 'kam_session')).toBeUndefined();
    expect(sessionCookie('v', 60, true)).toBe('kam_session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure');
  });

  it('throttles a username after repeated failures until the window passes', () => {
    const clock = createManualClock(0);
    const throttle = new LoginThrottle(3, 1000, clock);
    for (let i = 0; i < 3; i++) throttle.fail('u');
    expect(throttle.blocked('u')).toBe(true);
    expect(throttle.blocked('other')).toBe(false);
    clock.set(1001);
    expect(throttle.blocked('u')).toBe(false);
  });
});
