import type { Db } from '../../../lib/db/index.ts';
import type { Principal, Role, UserIdentity } from './roles.ts';
import { digestSecret } from './secrets.ts';

// SQL for users, sessions and API tokens (conventions.md §17: queries live in repository files).

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  manager_id: number | null;
  account_id: number | null;
  locale: 'zh' | 'en';
  password_hash: string | null;
  disabled: boolean;
}

const USER_COLUMNS = 'u.id, u.username, u.display_name, u.role, u.manager_id, u.account_id, u.locale, u.disabled';

function toPrincipal(row: UserRow, via: Principal['via'], tokenId?: number): Principal {
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    managerId: row.manager_id,
    accountId: row.account_id,
    locale: row.locale,
    via,
    ...(tokenId === undefined ? {} : { tokenId }),
  };
}

export async function findUserForLogin(
  db: Db,
  username: string,
): Promise<(UserRow & { password_hash: string | null }) | undefined> {
  const { rows } = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1`,
    [username],
  );
  return rows[0];
}

export async function createSession(db: Db, userId: number, sessionId: string, ttlSeconds: number): Promise<Date> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `WITH s AS (
       INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       RETURNING expires_at
     ), u AS (UPDATE users SET last_login_at = now() WHERE id = $2)
     SELECT expires_at FROM s`,
    [digestSecret(sessionId), userId, ttlSeconds],
  );
  return rows[0]!.expires_at;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [digestSecret(sessionId)]);
}

/**
 * The user behind a credential, touched by `touch`: a statement over a hashed secret ($1) that
 * returns the row's user_id and credential id. Disabled users have no principal.
 */
async function principalFrom(
  db: Db,
  touch: string,
  secret: string,
  via: Principal['via'],
): Promise<Principal | undefined> {
  const { rows } = await db.query<UserRow & { credential_id: number | null }>(
    `WITH c AS (${touch})
     SELECT ${USER_COLUMNS}, c.credential_id FROM c JOIN users u ON u.id = c.user_id WHERE NOT u.disabled`,
    [digestSecret(secret)],
  );
  const row = rows[0];
  return row ? toPrincipal(row, via, row.credential_id ?? undefined) : undefined;
}

/** A live session's user; refreshes last_seen_at. */
export function principalFromSession(db: Db, sessionId: string): Promise<Principal | undefined> {
  return principalFrom(
    db,
    `UPDATE sessions SET last_seen_at = now()
      WHERE id_hash = $1 AND expires_at > now()
      RETURNING user_id, NULL::int AS credential_id`,
    sessionId,
    'session',
  );
}

/** A live API token's user; records last_used_at. */
export function principalFromToken(db: Db, token: string): Promise<Principal | undefined> {
  return principalFrom(
    db,
    `UPDATE api_tokens SET last_used_at = now()
      WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
      RETURNING user_id, id AS credential_id`,
    token,
    'token',
  );
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE expires_at <= now()');
  return rowCount ?? 0;
}

export interface ApiTokenInfo {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const TOKEN_COLUMNS = `id, user_id AS "userId", name, token_prefix AS prefix, created_at AS "createdAt",
  expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

export async function insertApiToken(
  db: Db,
  input: { userId: number; name: string; token: string; expiresInDays: number | null },
): Promise<ApiTokenInfo> {
  const { rows } = await db.query<ApiTokenInfo>(
    `INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, expires_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(days => $5::int) END)
     RETURNING ${TOKEN_COLUMNS}`,
    [input.userId, input.name, digestSecret(input.token), input.token.slice(0, 10), input.expiresInDays],
  );
  return rows[0]!;
}

/** Tokens of one user, or of everybody when userId is null (admin). */
export async function listApiTokens(db: Db, userId: number | null): Promise<ApiTokenInfo[]> {
  const { rows } = await db.query<ApiTokenInfo>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE ($1::int IS NULL OR user_id = $1) ORDER BY id`,
    [userId],
  );
  return rows;
}

export async function revokeApiToken(db: Db, tokenId: number, userId: number | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND ($2::int IS NULL OR user_id = $2)`,
    [tokenId, userId],
  );
  return (rowCount ?? 0) > 0;
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  managerId?: number | null;
  accountId?: number | null;
  passwordHash: string | null;
  locale?: 'zh' | 'en';
  demo?: boolean;
}

export interface UserInfo extends UserIdentity {
  id: number;
  disabled: boolean;
  lastLoginAt: Date | null;
}

const USER_INFO = `id, username, display_name AS "displayName", role, manager_id AS "managerId", account_id AS "accountId",
  locale, disabled, last_login_at AS "lastLoginAt"`;

/**
 * Inserts a user; an existing username is left alone (`insertUser`: undefined) or has its role,
 * links and password replaced (`upsertUser`).
 */
async function writeUser(db: Db, user: NewUser, onConflict: 'nothing' | 'replace'): Promise<UserInfo | undefined> {
  const conflict =
    onConflict === 'replace'
      ? `DO UPDATE SET
       display_name = EXCLUDED.display_name, role = EXCLUDED.role, manager_id = EXCLUDED.manager_id,
       account_id = EXCLUDED.account_id, password_hash = EXCLUDED.password_hash, locale = EXCLUDED.locale,
       demo = EXCLUDED.demo, updated_at = now()`
      : 'DO NOTHING';
  const { rows } = await db.query<UserInfo>(
    `INSERT INTO users (username, display_name, role, manager_id, account_id, password_hash, locale, demo)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (username) ${conflict}
     RETURNING ${USER_INFO}`,
    [
      user.username,
      user.displayName ?? '',
      user.role,
      user.managerId ?? null,
      user.accountId ?? null,
      user.passwordHash,
      user.locale ?? 'zh',
      user.demo ?? false,
    ],
  );
  return rows[0];
}

/** Inserts a user, or replaces role, links and password of an existing one. */
export async function upsertUser(db: Db, user: NewUser): Promise<UserInfo> {
  return (await writeUser(db, user, 'replace'))!;
}

/** Inserts a user; undefined when the username is taken. */
export function insertUser(db: Db, user: NewUser): Promise<UserInfo | undefined> {
  return writeUser(db, user, 'nothing');
}

export async function listUsers(db: Db): Promise<UserInfo[]> {
  const { rows } = await db.query<UserInfo>(`SELECT ${USER_INFO} FROM users ORDER BY id`);
  return rows;
}
