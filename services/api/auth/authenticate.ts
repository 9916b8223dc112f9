import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../../lib/db/index.ts';
import { ApiError } from '../errors.ts';
import { principalFromSession, principalFromToken } from './auth-repository.ts';
import type { Principal } from './roles.ts';
import { API_TOKEN_PREFIX } from './secrets.ts';

export const SESSION_COOKIE = 'kam_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Base64url of 32 bytes, optionally with the API-token prefix: anything else is not looked up.
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, maxAgeS: number, secure: boolean): string {
  // HttpOnly: scripts cannot read it; SameSite=Lax: not sent on cross-site POSTs (CSRF)
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

export function sessionIdOf(request: FastifyRequest): string | undefined {
  const id = readCookie(request.headers.cookie, SESSION_COOKIE);
  return id && SECRET_FORMAT.test(id) ? id : undefined;
}

/** Bearer API token first, then the session cookie. */
export async function authenticate(db: Db, request: FastifyRequest): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m?.[1];
    if (!token || !token.startsWith(API_TOKEN_PREFIX) || !SECRET_FORMAT.test(token.slice(API_TOKEN_PREFIX.length))) {
      return undefined;
    }
    return principalFromToken(db, token);
  }
  const sessionId = sessionIdOf(request);
  if (!sessionId) return undefined;
  const principal = await principalFromSession(db, sessionId);
  if (principal && !SAFE_METHODS.has(request.method)) checkSameOrigin(request);
  return principal;
}

// Defence in depth beside SameSite=Lax: a cookie-authenticated change must not come from
// another origin. Browsers send Origin on every cross-origin and on same-origin POSTs.
function checkSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== request.headers.host) {
    throw new ApiError('forbidden', 'cross-origin request refused');
  }
}

export function challenge(reply: FastifyReply): void {
  void reply.header('www-authenticate', 'Bearer realm="kam"');
}
