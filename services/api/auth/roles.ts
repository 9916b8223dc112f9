// The roles of the issue and who sees what. A route declares `config.roles` (app.ts refuses to
// start with a route that does not); a role listed there passes the route check, and then the
// principal's scope decides which accounts it reaches.

export const ROLES = ['dispatcher', 'account_manager', 'ops', 'customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `'public'`: no login needed. Otherwise the roles that may call the route. */
export type RouteRoles = 'public' | readonly Role[];

export const ALL_ROLES: readonly Role[] = ROLES;
/** Everyone employed by the utility: the whole fleet or their own accounts. */
export const STAFF: readonly Role[] = ['dispatcher', 'account_manager', 'ops', 'admin'];

/** Who a user is: a role and, for scoped roles, the manager or account it is tied to. */
export interface UserIdentity {
  username: string;
  displayName: string;
  role: Role;
  /** account managers: the managers row they are */
  managerId: number | null;
  /** customers: their one account */
  accountId: number | null;
  locale: 'zh' | 'en';
}

/** The caller of a request. */
export interface Principal extends UserIdentity {
  userId: number;
  /** how the request authenticated */
  via: 'session' | 'token';
  tokenId?: number;
}

/**
 * Which accounts a principal reaches, as SQL parameters: `managerId` and `accountId` are NULL
 * for fleet-wide roles. Repositories filter with
 * `($n::int IS NULL OR a.manager_id = $n) AND ($m::int IS NULL OR a.id = $m)`.
 */
export interface AccountScope {
  managerId: number | null;
  accountId: number | null;
}

export function scopeOf(p: Principal): AccountScope {
  switch (p.role) {
    case 'account_manager':
      // a manager without a managers row would see everything; the schema forbids it (007 CHECK)
      return { managerId: p.managerId ?? -1, accountId: null };
    case 'customer':
      return { managerId: null, accountId: p.accountId ?? -1 };
    default:
      return { managerId: null, accountId: null };
  }
}

/** SQL condition on an accounts alias using two parameter positions. */
export function scopeSql(alias: string, managerParam: number, accountParam: number): string {
  return `($${managerParam}::int IS NULL OR ${alias}.manager_id = $${managerParam}::int) AND ($${accountParam}::int IS NULL OR ${alias}.id = $${accountParam}::int)`;
}
