-- Reference data: account managers, key accounts, meters, time-of-use periods.
-- Qualification and tier are computed by lib/domain/key-account.ts (domain.md §1) and stored
-- with their reason; they are never typed in by hand.

CREATE TABLE managers (
  id                 serial PRIMARY KEY,
  code               text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  name               text NOT NULL CHECK (length(name) > 0),
  email              text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  phone              text,
  locale             text NOT NULL DEFAULT 'zh' CHECK (locale IN ('zh', 'en')),
  escalation_name    text,
  escalation_email   text CHECK (escalation_email IS NULL OR escalation_email ~ '^[^@\s]+@[^@\s]+$'),
  escalation_phone   text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id                      serial PRIMARY KEY,
  code                    text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  name                    text NOT NULL CHECK (length(name) > 0),
  industry                text NOT NULL,
  contracted_capacity_kva numeric NOT NULL CHECK (contracted_capacity_kva > 0),
  annual_consumption_kwh  numeric NOT NULL DEFAULT 0 CHECK (annual_consumption_kwh >= 0),
  dual_supply             boolean NOT NULL DEFAULT false,
  -- nominal system voltage of the supply point (GB/T 12325: 0.22, 0.38, 10, 20, 35, 110 kV, ...)
  supply_voltage_kv       numeric NOT NULL CHECK (supply_voltage_kv > 0 AND supply_voltage_kv <= 1000),
  importance_grade        text NOT NULL DEFAULT 'none'
                            CHECK (importance_grade IN ('special', 'first', 'second', 'temporary', 'none')),
  -- computed (domain.md §1): key-account qualification, tier and why
  is_key_account          boolean NOT NULL,
  tier                    text NOT NULL CHECK (tier IN ('A', 'B', 'C', 'potential', 'none')),
  classification_reason   text NOT NULL,
  CHECK (is_key_account = (tier IN ('A', 'B', 'C'))),
  -- PF tariff target (domain.md §3): 0.90 / 0.85 / 0.80
  pf_target               numeric NOT NULL DEFAULT 0.90 CHECK (pf_target > 0 AND pf_target <= 1),
  -- per-account voltage limits from the supply contract, percent of nominal; NULL = standard
  voltage_upper_pct       numeric CHECK (voltage_upper_pct IS NULL OR (voltage_upper_pct > 0 AND voltage_upper_pct <= 30)),
  voltage_lower_pct       numeric CHECK (voltage_lower_pct IS NULL OR (voltage_lower_pct > 0 AND voltage_lower_pct <= 30)),
  notify_customer         boolean NOT NULL DEFAULT false,
  customer_contact_email  text,
  customer_contact_phone  text,
  manager_id              integer NOT NULL REFERENCES managers (id) ON DELETE RESTRICT,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_manager_idx ON accounts (manager_id);

CREATE TABLE meters (
  id                serial PRIMARY KEY,
  code              text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  account_id        integer NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
  name              text NOT NULL DEFAULT '',
  protocol          text NOT NULL CHECK (protocol IN ('modbus', 'mqtt')),
  -- Modbus TCP: host, port, unit id (a gateway serves many unit ids on one endpoint)
  host              text,
  port              integer CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
  unit_id           integer CHECK (unit_id IS NULL OR unit_id BETWEEN 0 AND 255),
  -- MQTT: the topic the meter publishes on and the payload format
  topic             text,
  payload_format    text CHECK (payload_format IS NULL OR payload_format IN ('json', 'sparkplug')),
  map_name          text,
  CHECK (protocol <> 'modbus' OR (host IS NOT NULL AND port IS NOT NULL AND unit_id IS NOT NULL AND map_name IS NOT NULL)),
  CHECK (protocol <> 'mqtt' OR (topic IS NOT NULL AND payload_format IS NOT NULL)),
  pt_ratio          numeric NOT NULL DEFAULT 1 CHECK (pt_ratio > 0),
  ct_ratio          numeric NOT NULL DEFAULT 1 CHECK (ct_ratio > 0),
  -- nominal system voltage, phase-to-phase, primary side (V)
  nominal_voltage_v numeric NOT NULL CHECK (nominal_voltage_v > 0),
  wiring            text NOT NULL DEFAULT '3P4W' CHECK (wiring IN ('3P4W', '3P3W', '1P2W')),
  rated_kw          numeric CHECK (rated_kw IS NULL OR rated_kw > 0),
  poll_interval_s   integer NOT NULL DEFAULT 15 CHECK (poll_interval_s BETWEEN 1 AND 3600),
  active            boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meters_account_idx ON meters (account_id);

-- Time-of-use periods differ by province and change over time (domain.md §6): data with
-- validity dates, not code. Local wall-clock times; a period may wrap midnight.
CREATE TABLE tou_periods (
  id          serial PRIMARY KEY,
  period      text NOT NULL CHECK (period IN ('critical_peak', 'peak', 'flat', 'valley')),
  start_time  time NOT NULL,
  end_time    time NOT NULL,
  valid_from  date NOT NULL,
  valid_to    date,
  CHECK (start_time <> end_time),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);

-- default schedule from domain.md §6: valley 23–07, peak 08–11 and 18–23, flat otherwise
INSERT INTO tou_periods (period, start_time, end_time, valid_from) VALUES
  ('valley', '23:00', '07:00', '2000-01-01'),
  ('flat',   '07:00', '08:00', '2000-01-01'),
  ('peak',   '08:00', '11:00', '2000-01-01'),
  ('flat',   '11:00', '18:00', '2000-01-01'),
  ('peak',   '18:00', '23:00', '2000-01-01');
