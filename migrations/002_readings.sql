-- One wide row per meter and timestamp (architecture.md "Data model"). The primary key makes a
-- replayed batch a no-op (ON CONFLICT DO NOTHING). NULL = not reported, never zero.
-- Column list mirrors lib/domain/reading.ts READING_QUANTITIES.

CREATE TABLE readings (
  meter_id        integer NOT NULL REFERENCES meters (id) ON DELETE RESTRICT,
  ts              timestamptz NOT NULL,
  voltage_a_v     real CHECK (voltage_a_v >= 0),
  voltage_b_v     real CHECK (voltage_b_v >= 0),
  voltage_c_v     real CHECK (voltage_c_v >= 0),
  voltage_ab_v    real CHECK (voltage_ab_v >= 0),
  voltage_bc_v    real CHECK (voltage_bc_v >= 0),
  voltage_ca_v    real CHECK (voltage_ca_v >= 0),
  current_a_a     real CHECK (current_a_a >= 0),
  current_b_a     real CHECK (current_b_a >= 0),
  current_c_a     real CHECK (current_c_a >= 0),
  power_a_kw      real,
  power_b_kw      real,
  power_c_kw      real,
  power_kw        real,
  reactive_a_kvar real,
  reactive_b_kvar real,
  reactive_c_kvar real,
  reactive_kvar   real,
  apparent_kva    real CHECK (apparent_kva >= 0),
  pf_a            real CHECK (pf_a BETWEEN -1 AND 1),
  pf_b            real CHECK (pf_b BETWEEN -1 AND 1),
  pf_c            real CHECK (pf_c BETWEEN -1 AND 1),
  pf              real CHECK (pf BETWEEN -1 AND 1),
  frequency_hz    real CHECK (frequency_hz BETWEEN 40 AND 70),
  -- counters are double precision: float32 loses kWh resolution above ~1e6 (domain.md §6)
  import_kwh      double precision CHECK (import_kwh >= 0),
  export_kwh      double precision CHECK (export_kwh >= 0),
  import_kvarh    double precision CHECK (import_kvarh >= 0),
  export_kvarh    double precision CHECK (export_kvarh >= 0),
  -- bit flags, lib/domain/reading.ts QUALITY; 0 = good
  quality         smallint NOT NULL DEFAULT 0 CHECK (quality >= 0),
  PRIMARY KEY (meter_id, ts)
);

SELECT create_hypertable('readings', by_range('ts', INTERVAL '1 day'));

-- Compression segmented by meter: queries are per meter and time range.
ALTER TABLE readings SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'meter_id',
  timescaledb.compress_orderby = 'ts DESC'
);
SELECT add_compression_policy('readings', INTERVAL '7 days');
-- Raw readings kept two years (billing disputes); the load-curve aggregates outlive them.
SELECT add_retention_policy('readings', INTERVAL '730 days');
