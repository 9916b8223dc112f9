-- Alerts, their audit trail, the notification outbox, service records and dead letters.

CREATE TABLE alerts (
  id               bigserial PRIMARY KEY,
  meter_id         integer NOT NULL REFERENCES meters (id) ON DELETE RESTRICT,
  account_id       integer NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
  kind             text NOT NULL CHECK (kind IN (
                     'under_voltage', 'over_voltage', 'loss_of_voltage', 'phase_break',
                     'voltage_unbalance', 'current_unbalance', 'low_power_factor',
                     'over_compensation', 'over_demand', 'reverse_power',
                     'communication_lost', 'stale_values', 'abnormal_consumption')),
  phase            text CHECK (phase IS NULL OR phase IN ('A', 'B', 'C')),
  severity         text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'info')),
  state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  opened_at        timestamptz NOT NULL,
  cleared_at       timestamptz,
  acknowledged_by  text,
  acknowledged_at  timestamptz,
  resolved_by      text,
  resolved_at      timestamptz,
  resolution_note  text,
  evidence         jsonb NOT NULL DEFAULT '{}'::jsonb,
  CHECK (state <> 'acknowledged' OR acknowledged_at IS NOT NULL),
  CHECK (state <> 'resolved' OR resolved_at IS NOT NULL),
  CHECK (cleared_at IS NULL OR cleared_at >= opened_at)
);
-- One open alert per meter and kind, whatever the order readings arrive in or how many rule
-- processes run: the database refuses the duplicate.
CREATE UNIQUE INDEX alerts_one_open_per_meter_kind ON alerts (meter_id, kind) WHERE state <> 'resolved';
CREATE INDEX alerts_account_state_idx ON alerts (account_id, state, opened_at DESC);

CREATE TABLE alert_events (
  id        bigserial PRIMARY KEY,
  alert_id  bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  action    text NOT NULL CHECK (action IN ('opened', 'acknowledged', 'commented', 'cleared', 'resolved', 'reopened', 'escalated', 'notified')),
  note      text,
  details   jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX alert_events_alert_idx ON alert_events (alert_id, at);

-- Outbox: at-least-once delivery; the idempotency key lets a receiver drop a repeat.
CREATE TABLE notifications (
  id               bigserial PRIMARY KEY,
  alert_id         bigint REFERENCES alerts (id) ON DELETE SET NULL,
  channel          text NOT NULL CHECK (channel IN ('email', 'webhook', 'sms')),
  recipient        text NOT NULL,
  subject          text,
  body             text NOT NULL,
  payload          jsonb NOT NULL DEFAULT '{}'::jsonb,
  idempotency_key  text NOT NULL UNIQUE,
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE service_records (
  id            bigserial PRIMARY KEY,
  account_id    integer NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
  manager_id    integer REFERENCES managers (id) ON DELETE SET NULL,
  kind          text NOT NULL CHECK (kind IN ('visit', 'call', 'revisit', 'other')),
  occurred_at   timestamptz NOT NULL,
  summary       text NOT NULL CHECK (length(summary) > 0),
  follow_up_of  bigint REFERENCES service_records (id) ON DELETE SET NULL,
  alert_id      bigint REFERENCES alerts (id) ON DELETE SET NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'revisit' OR follow_up_of IS NOT NULL)
);
CREATE INDEX service_records_account_idx ON service_records (account_id, occurred_at DESC);

-- Rejected input is kept with the reason, never dropped silently.
CREATE TABLE dead_letters (
  id           bigserial PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now(),
  source       text NOT NULL CHECK (source IN ('mqtt', 'modbus', 'api', 'spool')),
  topic        text,
  payload      bytea,
  reason       text NOT NULL,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX dead_letters_received_idx ON dead_letters (received_at DESC);
