import type { FastifyRequest } from 'fastify';
import type { Db } from '../../lib/db/index.ts';
import { type AccountScope, type Principal, scopeOf, scopeSql } from './auth/roles.ts';
import { ApiError } from './errors.ts';

// Resource-level access: an account manager reaches only the accounts of their managers row, a
// customer only their own account. An id outside the caller's scope answers exactly like an id
// that does not exist (404 not_found, same message), so guessing ids reveals nothing about other
// customers; the attempt is logged as a denied access (warn, with user and resource).

const RESOURCES = {
  account: { table: 'accounts', accountColumn: 'id', label: 'account' },
  meter: { table: 'meters', accountColumn: 'account_id', label: 'meter' },
  alert: { table: 'alerts', accountColumn: 'account_id', label: 'alert' },
  serviceRecord: { table: 'service_records', accountColumn: 'account_id', label: 'service record' },
} as const;

export type ResourceKind = keyof typeof RESOURCES;

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('unauthenticated', 'login required');
  return request.principal;
}

export function scopeOfRequest(request: FastifyRequest): AccountScope {
  return scopeOf(principalOf(request));
}

/** The account id the resource belongs to, when the caller may see it; otherwise 404. */
export async function requireVisible(db: Db, request: FastifyRequest, kind: ResourceKind, id: number): Promise<number> {
  const r = RESOURCES[kind];
  const scope = scopeOfRequest(request);
  // table and column names come from the constant above, never from input
  const { rows } = await db.query<{ account_id: number; visible: boolean }>(
    `SELECT x.${r.accountColumn} AS account_id, (${scopeSql('a', 2, 3)}) AS visible
       FROM ${r.table} x JOIN accounts a ON a.id = x.${r.accountColumn}
      WHERE x.id = $1`,
    [id, scope.managerId, scope.accountId],
  );
  const row = rows[0];
  if (row?.visible) return row.account_id;
  if (row) {
    const p = principalOf(request);
    request.log.warn(
      { userId: p.userId, role: p.role, resource: kind, resourceId: id, reason: 'out_of_scope' },
      'access denied',
    );
  }
  throw new ApiError('not_found', `${r.label} ${id} not found`);
}
