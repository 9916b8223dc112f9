import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  createSession,
  deleteSession,
  findUserForLogin,
  insertApiToken,
  insertUser,
  listApiTokens,
  listUsers,
  revokeApiToken,
} from '../auth/auth-repository.ts';
import { challenge, sessionCookie, sessionIdOf } from '../auth/authenticate.ts';
import { LoginThrottle } from '../auth/login-throttle.ts';
import { hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from '../auth/password.ts';
import { ALL_ROLES, ROLES, STAFF } from '../auth/roles.ts';
import { newApiToken, newSessionId } from '../auth/secrets.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, id } from '../route.ts';

const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.-]{1,63}$/, 'must be 2–64 lower-case letters, digits, ., - or _');

export function registerAuthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const throttle = new LoginThrottle(ctx.auth.maxFailedLogins, ctx.auth.failedLoginWindowMs, ctx.clock);

  defineRoute(app, {
    method: 'POST',
    url: '/api/auth/login',
    roles: 'public',
    tags: ['auth'],
    summary: 'Log in with username and password; sets the HttpOnly session cookie',
    body: z.object({ username, password: z.string().min(1).max(1024) }),
    handler: async ({ body, reply, request }) => {
      if (throttle.blocked(body.username)) {
        throw new ApiError('too_many_requests', 'too many failed logins; try again later');
      }
      const user = await findUserForLogin(ctx.db, body.username);
      // always runs scrypt, so an unknown username takes as long as a wrong password
      const ok = await verifyPassword(body.password, user?.password_hash);
      if (!user || !ok || user.disabled) {
        throttle.fail(body.username);
        request.log.warn({ username: body.username, reason: 'bad_credentials' }, 'login failed');
        challenge(reply);
        throw new ApiError('invalid_credentials', 'wrong username or password');
      }
      throttle.succeed(body.username);
      const sessionId = newSessionId();
      const expiresAt = await createSession(ctx.db, user.id, sessionId, ctx.auth.sessionTtlS);
      request.log.info({ userId: user.id, role: user.role }, 'login');
      void reply.header('set-cookie', sessionCookie(sessionId, ctx.auth.sessionTtlS, ctx.auth.secureCookies));
      return {
        user: {
          id: user.id,
          username: user.username,
          displayName: user.display_name,
          role: user.role,
          managerId: user.manager_id,
          accountId: user.account_id,
          locale: user.locale,
        },
        expiresAt,
      };
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/auth/logout',
    roles: 'public',
    tags: ['auth'],
    summary: 'End the session (idempotent) and clear the cookie',
    handler: async ({ request, reply }) => {
      const sessionId = sessionIdOf(request);
      if (sessionId) await deleteSession(ctx.db, sessionId);
      void reply.header('set-cookie', sessionCookie('', 0, ctx.auth.secureCookies));
      return reply.status(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/me',
    roles: ALL_ROLES,
    tags: ['auth'],
    summary: 'The logged-in user and what they may see',
    handler: async ({ user }) => ({
      id: user.userId,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      managerId: user.managerId,
      accountId: user.accountId,
      locale: user.locale,
      via: user.via,
    }),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/tokens',
    roles: STAFF,
    tags: ['auth'],
    summary: 'Create an API token for integrations; the token is in this answer only',
    description:
      'The token acts as the calling user (same role and scope). Send it as `Authorization: Bearer <token>`.',
    body: z.object({
      name: z.string().trim().min(1).max(100),
      expiresInDays: z.number().int().min(1).max(3650).nullable().default(365),
    }),
    handler: async ({ body, user, reply }) => {
      const token = newApiToken();
      const info = await insertApiToken(ctx.db, {
        userId: user.userId,
        name: body.name,
        token,
        expiresInDays: body.expiresInDays,
      });
      return reply.status(201).send({ ...info, token });
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/tokens',
    roles: STAFF,
    tags: ['auth'],
    summary: 'API tokens of the caller (admin: of everybody), without the secrets',
    handler: async ({ user }) => ({ items: await listApiTokens(ctx.db, user.role === 'admin' ? null : user.userId) }),
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/tokens/:tokenId',
    roles: STAFF,
    tags: ['auth'],
    summary: 'Revoke an API token (own tokens; admin: any)',
    params: z.object({ tokenId: id }),
    handler: async ({ params, user, reply }) => {
      const done = await revokeApiToken(ctx.db, params.tokenId, user.role === 'admin' ? null : user.userId);
      if (!done) throw new ApiError('not_found', `token ${params.tokenId} not found`);
      return reply.status(204).send();
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/users',
    roles: ['admin'],
    tags: ['users'],
    summary: 'All users with role and scope',
    handler: async () => ({ items: await listUsers(ctx.db) }),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/users',
    roles: ['admin'],
    tags: ['users'],
    summary: 'Create a user',
    body: z
      .object({
        username,
        displayName: z.string().trim().max(200).default(''),
        role: z.enum(ROLES),
        password: z.string().min(PASSWORD_MIN_LENGTH).max(1024),
        managerId: id.optional(),
        accountId: id.optional(),
        locale: z.enum(['zh', 'en']).default('zh'),
      })
      .superRefine((u, issue) => {
        if ((u.role === 'account_manager') !== (u.managerId !== undefined))
          issue.addIssue({
            code: 'custom',
            path: ['managerId'],
            message: 'required for, and only for, account managers',
          });
        if ((u.role === 'customer') !== (u.accountId !== undefined))
          issue.addIssue({ code: 'custom', path: ['accountId'], message: 'required for, and only for, customers' });
      }),
    handler: async ({ body, reply }) => {
      const link = async (table: 'managers' | 'accounts', value: number | undefined, field: string) => {
        if (value === undefined) return;
        const { rowCount } = await ctx.db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [value]);
        if (!rowCount) throw new ApiError('validation_failed', `${field}: no such ${table.slice(0, -1)}`, { field });
      };
      await link('managers', body.managerId, 'managerId');
      await link('accounts', body.accountId, 'accountId');
      const created = await insertUser(ctx.db, { ...body, passwordHash: await hashPassword(body.password) });
      if (!created) throw new ApiError('conflict', `user ${body.username} exists`);
      return reply.status(201).send(created);
    },
  });
}
