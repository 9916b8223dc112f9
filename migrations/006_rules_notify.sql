-- Rules checkpoint, alert lifecycle columns and the notification outbox's delivery state
-- (services/rules, services/notify; docs/notify.md).

-- Rules checkpoint, one row per (service, meter): the pure core's per-meter state
-- (services/rules/evaluate-readings.ts MeterRulesState, plain JSON) and its position `last_ts`,
-- the newest reading timestamp the core has processed for that meter. The service reads
-- `readings WHERE meter_id = m AND ts > last_ts`, so a restart misses nothing the core would
-- accept and sees nothing twice; it is written in the same transaction as the alerts and outbox
-- rows it produced. A reading that lands later with ts <= last_ts (a late spool replay) is one
-- the core refuses anyway (it never goes back in time).
CREATE TABLE rules_meter_state (
  service     text NOT NULL,
  meter_id    integer NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
  last_ts     timestamptz,
  state       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service, meter_id)
);

-- One row per rules service: the evaluation-time watermark of its last committed cycle.
CREATE TABLE rules_checkpoints (
  service          text PRIMARY KEY,
  state_version    integer NOT NULL,
  evaluation_time  timestamptz NOT NULL,
  cycles           bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Alerts: the core's alertKey (`meterId:kind:openedAt`) makes an open idempotent (INSERT ...
-- ON CONFLICT (alert_key) DO NOTHING), so a cycle replayed after a crash writes nothing twice.
-- Rows opened before this migration have no key.
ALTER TABLE alerts ADD COLUMN alert_key text;
CREATE UNIQUE INDEX alerts_alert_key_idx ON alerts (alert_key);
-- When the row was written (the service clock). opened_at is the reading time the condition had
-- held for its delay; escalation deadlines run from raised_at, so an alert raised from a
-- backlog is not escalated the moment it appears.
ALTER TABLE alerts ADD COLUMN raised_at timestamptz NOT NULL DEFAULT now();
-- One escalation per alert (docs/notify.md): set once, by the escalation statement.
ALTER TABLE alerts ADD COLUMN escalated_at timestamptz;
ALTER TABLE alerts ADD COLUMN escalated_to text;
-- A cleared condition resolves its alert (actor 'rules'), so the one-open-per-(meter, kind)
-- index of 004 (WHERE state <> 'resolved') never blocks the next occurrence. The index stays.
CREATE INDEX alerts_escalation_due_idx ON alerts (raised_at) WHERE state = 'open' AND escalated_at IS NULL;

-- Outbox delivery state. pending: waiting for (next) attempt; held: its channel is not
-- configured (e.g. no SMTP server), released to pending when it is; sent; failed: gave up after
-- the configured number of attempts. A claimed row's next_attempt_at is pushed out by a lease,
-- so a worker that dies mid-send leaves it to be retried (at-least-once).
ALTER TABLE notifications ADD COLUMN status text NOT NULL DEFAULT 'pending'
  CHECK (status IN ('pending', 'held', 'sent', 'failed'));
-- Which alert event the notification tells of; part of the idempotency key
-- (alert, event, channel, recipient).
ALTER TABLE notifications ADD COLUMN event text NOT NULL DEFAULT 'opened'
  CHECK (event IN ('opened', 'cleared', 'escalated', 'acknowledged', 'resolved'));
ALTER TABLE notifications ADD COLUMN audience text NOT NULL DEFAULT 'manager'
  CHECK (audience IN ('manager', 'escalation', 'customer', 'integration'));
ALTER TABLE notifications ADD COLUMN last_attempt_at timestamptz;
ALTER TABLE notifications ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE notifications ADD CONSTRAINT notifications_sent_status CHECK ((status = 'sent') = (sent_at IS NOT NULL));
CREATE INDEX notifications_claim_idx ON notifications (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX notifications_alert_idx ON notifications (alert_id);
