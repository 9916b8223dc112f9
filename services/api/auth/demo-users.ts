import type { Db } from '../../../lib/db/index.ts';
import { upsertUser } from './auth-repository.ts';
import { generatePassword, hashPassword, PASSWORD_MIN_LENGTH } from './password.ts';
import type { Role } from './roles.ts';
import { ApiError } from '../errors.ts';

export interface DemoCredential {
  username: string;
  role: Role;
  password: string;
  /** what the user sees, for the start-up banner */
  scope: string;
}

/**
 * Demo users for the loaded fleet: one per role, one account manager per managers row (username
 * = manager code) and one customer for the first account. No secret lives in the repository:
 * the password comes from the caller (KAM_DEMO_PASSWORD) or is generated per user at every call,
 * replacing the previous demo password, and returned so start-up can print it once.
 * Only users created here (users.demo) are touched; a real user with the same name is refused.
 */
export async function ensureDemoUsers(db: Db, options: { password?: string } = {}): Promise<DemoCredential[]> {
  if (options.password !== undefined && options.password.length < PASSWORD_MIN_LENGTH) {
    throw new ApiError('validation_failed', `demo password must have at least ${PASSWORD_MIN_LENGTH} characters`, {
      field: 'KAM_DEMO_PASSWORD',
    });
  }
  const managers = await db.query<{ id: number; code: string; name: string; locale: 'zh' | 'en' }>(
    'SELECT id, code, name, locale FROM managers ORDER BY id',
  );
  const account = await db.query<{ id: number; code: string; name: string }>(
    'SELECT id, code, name FROM accounts ORDER BY id LIMIT 1',
  );
  const taken = await db.query<{ username: string }>('SELECT username FROM users WHERE NOT demo');
  const realUsers = new Set(taken.rows.map((r) => r.username));

  const wanted: Array<
    Omit<DemoCredential, 'password'> & {
      displayName: string;
      managerId?: number;
      accountId?: number;
      locale?: 'zh' | 'en';
    }
  > = [
    { username: 'admin', role: 'admin', scope: 'all accounts, users', displayName: 'Administrator' },
    { username: 'dispatcher', role: 'dispatcher', scope: 'all accounts', displayName: 'Dispatcher 调度员' },
    { username: 'ops', role: 'ops', scope: 'all accounts, metrics', displayName: 'Operations 运维' },
    ...managers.rows.map((m) => ({
      username: m.code,
      role: 'account_manager' as const,
      scope: `accounts managed by ${m.name}`,
      displayName: m.name,
      managerId: m.id,
      locale: m.locale,
    })),
    ...account.rows.map((a) => ({
      username: `customer-${a.code}`.slice(0, 64),
      role: 'customer' as const,
      scope: `account ${a.name}`,
      displayName: a.name,
      accountId: a.id,
    })),
  ];

  const created: DemoCredential[] = [];
  for (const w of wanted) {
    if (realUsers.has(w.username)) continue;
    const password = options.password ?? generatePassword();
    await upsertUser(db, {
      username: w.username,
      displayName: w.displayName,
      role: w.role,
      managerId: w.managerId ?? null,
      accountId: w.accountId ?? null,
      passwordHash: await hashPassword(password),
      locale: w.locale ?? 'zh',
      demo: true,
    });
    created.push({ username: w.username, role: w.role, password, scope: w.scope });
  }
  return created;
}

/** The start-up banner: one line per demo user. */
export function formatDemoCredentials(credentials: readonly DemoCredential[], baseUrl: string): string {
  const width = Math.max(...credentials.map((c) => c.username.length), 8);
  const lines = credentials.map((c) => `  ${c.username.padEnd(width)}  ${c.password}  (${c.role}: ${c.scope})`);
  return [
    `Dashboard ${baseUrl} — demo users (passwords change at every start unless KAM_DEMO_PASSWORD is set):`,
    ...lines,
  ].join('\n');
}
