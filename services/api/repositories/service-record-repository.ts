import type { Db } from '../../../lib/db/index.ts';
import { ApiError } from '../errors.ts';

// Service records (visits, calls, revisits) of migration 004; a revisit follows up an earlier
// record of the same account (domain.md §1: revisit rate 100 %).

export const SERVICE_KINDS = ['visit', 'call', 'revisit', 'other'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export interface ServiceRecordView {
  id: number;
  accountId: number;
  managerId: number | null;
  kind: ServiceKind;
  occurredAt: Date;
  summary: string;
  followUpOf: number | null;
  alertId: number | null;
  createdBy: string;
  createdAt: Date;
}

const COLUMNS = `id, account_id AS "accountId", manager_id AS "managerId", kind, occurred_at AS "occurredAt", summary,
  follow_up_of AS "followUpOf", alert_id AS "alertId", created_by AS "createdBy", created_at AS "createdAt"`;

export async function listServiceRecords(
  db: Db,
  accountId: number,
  f: { kind?: ServiceKind; from?: Date; to?: Date; after?: { occurredAt: Date; id: number }; limit: number },
): Promise<ServiceRecordView[]> {
  const { rows } = await db.query<ServiceRecordView>(
    `SELECT ${COLUMNS} FROM service_records
      WHERE account_id = $1
        AND ($2::text IS NULL OR kind = $2)
        AND ($3::timestamptz IS NULL OR occurred_at >= $3)
        AND ($4::timestamptz IS NULL OR occurred_at < $4)
        AND ($5::timestamptz IS NULL OR (occurred_at, id) < ($5, $6::bigint))
      ORDER BY occurred_at DESC, id DESC
      LIMIT $7`,
    [
      accountId,
      f.kind ?? null,
      f.from ?? null,
      f.to ?? null,
      f.after?.occurredAt ?? null,
      f.after?.id ?? null,
      f.limit + 1,
    ],
  );
  return rows;
}

export async function getServiceRecord(db: Db, id: number): Promise<ServiceRecordView> {
  const { rows } = await db.query<ServiceRecordView>(`SELECT ${COLUMNS} FROM service_records WHERE id = $1`, [id]);
  return rows[0]!;
}

async function checkLinks(
  db: Db,
  accountId: number,
  followUpOf: number | null | undefined,
  alertId: number | null | undefined,
) {
  if (followUpOf != null) {
    const { rowCount } = await db.query('SELECT 1 FROM service_records WHERE id = $1 AND account_id = $2', [
      followUpOf,
      accountId,
    ]);
    if (!rowCount)
      throw new ApiError('validation_failed', 'followUpOf: no such record of this account', { field: 'followUpOf' });
  }
  if (alertId != null) {
    const { rowCount } = await db.query('SELECT 1 FROM alerts WHERE id = $1 AND account_id = $2', [alertId, accountId]);
    if (!rowCount)
      throw new ApiError('validation_failed', 'alertId: no such alert of this account', { field: 'alertId' });
  }
}

export async function createServiceRecord(
  db: Db,
  input: {
    accountId: number;
    kind: ServiceKind;
    occurredAt: Date;
    summary: string;
    followUpOf?: number | null;
    alertId?: number | null;
    createdBy: string;
  },
): Promise<ServiceRecordView> {
  if (input.kind === 'revisit' && input.followUpOf == null) {
    throw new ApiError('validation_failed', 'followUpOf: a revisit follows up an earlier record', {
      field: 'followUpOf',
    });
  }
  await checkLinks(db, input.accountId, input.followUpOf, input.alertId);
  const { rows } = await db.query<ServiceRecordView>(
    `INSERT INTO service_records (account_id, manager_id, kind, occurred_at, summary, follow_up_of, alert_id, created_by)
     SELECT $1, a.manager_id, $2, $3, $4, $5, $6, $7 FROM accounts a WHERE a.id = $1
     RETURNING ${COLUMNS}`,
    [
      input.accountId,
      input.kind,
      input.occurredAt,
      input.summary,
      input.followUpOf ?? null,
      input.alertId ?? null,
      input.createdBy,
    ],
  );
  return rows[0]!;
}

export async function updateServiceRecord(
  db: Db,
  id: number,
  accountId: number,
  patch: {
    kind?: ServiceKind;
    occurredAt?: Date;
    summary?: string;
    followUpOf?: number | null;
    alertId?: number | null;
  },
): Promise<ServiceRecordView> {
  const current = await getServiceRecord(db, id);
  const next = { ...current, ...patch };
  if (next.kind === 'revisit' && next.followUpOf == null) {
    throw new ApiError('validation_failed', 'followUpOf: a revisit follows up an earlier record', {
      field: 'followUpOf',
    });
  }
  if (next.followUpOf === id)
    throw new ApiError('validation_failed', 'followUpOf: a record cannot follow up itself', { field: 'followUpOf' });
  await checkLinks(db, accountId, patch.followUpOf, patch.alertId);
  const { rows } = await db.query<ServiceRecordView>(
    `UPDATE service_records SET kind = $2, occurred_at = $3, summary = $4, follow_up_of = $5, alert_id = $6
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, next.kind, next.occurredAt, next.summary, next.followUpOf, next.alertId],
  );
  return rows[0]!;
}

/** A record that a revisit follows up stays: the revisit would lose what it follows (004 CHECK). */
export async function deleteServiceRecord(db: Db, id: number): Promise<void> {
  const { rows } = await db.query<{ deleted: boolean; revisits: number }>(
    `WITH r AS (SELECT count(*)::int AS n FROM service_records WHERE follow_up_of = $1 AND kind = 'revisit'),
          d AS (DELETE FROM service_records WHERE id = $1 AND (SELECT n FROM r) = 0 RETURNING id)
     SELECT EXISTS (SELECT 1 FROM d) AS deleted, (SELECT n FROM r) AS revisits`,
    [id],
  );
  if (!rows[0]!.deleted && rows[0]!.revisits > 0) {
    throw new ApiError(
      'conflict',
      `service record ${id} is followed up by ${rows[0]!.revisits} revisit(s); delete those first`,
    );
  }
}
