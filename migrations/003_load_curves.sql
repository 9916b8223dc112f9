-- Load curves as continuous aggregates with real-time aggregation on (materialized_only =
-- false): the newest, not yet materialised buckets are computed from raw rows at query time.
-- Counters keep first/last per bucket so interval energy and 15-minute demand come from
-- counter differences (domain.md §6), immune to polling jitter.

CREATE MATERIALIZED VIEW load_1m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
  meter_id,
  time_bucket(INTERVAL '1 minute', ts) AS bucket,
  count(*)                             AS samples,
  avg(power_kw)                        AS power_avg_kw,
  min(power_kw)                        AS power_min_kw,
  max(power_kw)                        AS power_max_kw,
  avg(reactive_kvar)                   AS reactive_avg_kvar,
  avg(pf)                              AS pf_avg,
  min(pf)                              AS pf_min,
  avg(voltage_a_v)                     AS voltage_a_avg_v,
  avg(voltage_b_v)                     AS voltage_b_avg_v,
  avg(voltage_c_v)                     AS voltage_c_avg_v,
  min(LEAST(voltage_a_v, voltage_b_v, voltage_c_v))    AS voltage_min_v,
  max(GREATEST(voltage_a_v, voltage_b_v, voltage_c_v)) AS voltage_max_v,
  avg(frequency_hz)                    AS frequency_avg_hz,
  first(import_kwh, ts)                AS import_kwh_first,
  last(import_kwh, ts)                 AS import_kwh_last,
  last(export_kwh, ts)                 AS export_kwh_last,
  last(import_kvarh, ts)               AS import_kvarh_last,
  last(export_kvarh, ts)               AS export_kvarh_last,
  bit_or(quality)                      AS quality
FROM readings
GROUP BY meter_id, bucket
WITH NO DATA;

SELECT add_continuous_aggregate_policy('load_1m',
  start_offset => INTERVAL '2 hours', end_offset => INTERVAL '1 minute',
  schedule_interval => INTERVAL '1 minute');

-- 15-minute points, 96 a day (domain.md §6).
CREATE MATERIALIZED VIEW load_15m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
  meter_id,
  time_bucket(INTERVAL '15 minutes', ts) AS bucket,
  count(*)                               AS samples,
  avg(power_kw)                          AS power_avg_kw,
  min(power_kw)                          AS power_min_kw,
  max(power_kw)                          AS power_max_kw,
  avg(reactive_kvar)                     AS reactive_avg_kvar,
  avg(pf)                                AS pf_avg,
  min(LEAST(voltage_a_v, voltage_b_v, voltage_c_v))    AS voltage_min_v,
  max(GREATEST(voltage_a_v, voltage_b_v, voltage_c_v)) AS voltage_max_v,
  first(import_kwh, ts)                  AS import_kwh_first,
  last(import_kwh, ts)                   AS import_kwh_last,
  last(export_kwh, ts)                   AS export_kwh_last,
  last(import_kvarh, ts)                 AS import_kvarh_last,
  last(export_kvarh, ts)                 AS export_kvarh_last,
  bit_or(quality)                        AS quality
FROM readings
GROUP BY meter_id, bucket
WITH NO DATA;

SELECT add_continuous_aggregate_policy('load_15m',
  start_offset => INTERVAL '1 day', end_offset => INTERVAL '15 minutes',
  schedule_interval => INTERVAL '5 minutes');

-- Daily counters in China Standard Time (no daylight saving, domain.md §6). Energy of the day
-- = last counter of this day − last counter of the previous day; by ToU period see
-- energy_by_tou_15m below.
CREATE MATERIALIZED VIEW energy_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
  meter_id,
  time_bucket(INTERVAL '1 day', ts, 'Asia/Shanghai') AS day,
  count(*)                   AS samples,
  max(power_kw)              AS power_max_kw,
  min(power_kw)              AS power_min_kw,
  first(import_kwh, ts)      AS import_kwh_first,
  last(import_kwh, ts)       AS import_kwh_last,
  first(export_kwh, ts)      AS export_kwh_first,
  last(export_kwh, ts)       AS export_kwh_last,
  first(import_kvarh, ts)    AS import_kvarh_first,
  last(import_kvarh, ts)     AS import_kvarh_last,
  first(export_kvarh, ts)    AS export_kvarh_first,
  last(export_kvarh, ts)     AS export_kvarh_last,
  bit_or(quality)            AS quality
FROM readings
GROUP BY meter_id, day
WITH NO DATA;

SELECT add_continuous_aggregate_policy('energy_daily',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '1 hour');

-- 15-minute interval energy from counter differences, labelled with its time-of-use period.
-- A negative difference (rollover, replacement) yields NULL, never a negative interval
-- (domain.md §6); ingest flags those rows and reports decide.
CREATE VIEW energy_by_tou_15m AS
SELECT
  c.meter_id,
  c.bucket,
  CASE WHEN c.import_kwh_last - c.prev_import_kwh >= 0 THEN c.import_kwh_last - c.prev_import_kwh END AS import_kwh,
  (SELECT t.period
     FROM tou_periods t
    WHERE (c.bucket AT TIME ZONE 'Asia/Shanghai')::date >= t.valid_from
      AND (t.valid_to IS NULL OR (c.bucket AT TIME ZONE 'Asia/Shanghai')::date < t.valid_to)
      AND CASE WHEN t.start_time < t.end_time
               THEN (c.bucket AT TIME ZONE 'Asia/Shanghai')::time >= t.start_time
                AND (c.bucket AT TIME ZONE 'Asia/Shanghai')::time <  t.end_time
               ELSE (c.bucket AT TIME ZONE 'Asia/Shanghai')::time >= t.start_time
                 OR (c.bucket AT TIME ZONE 'Asia/Shanghai')::time <  t.end_time
          END
    ORDER BY t.valid_from DESC
    LIMIT 1) AS period
FROM (
  SELECT meter_id, bucket, import_kwh_last,
         lag(import_kwh_last) OVER (PARTITION BY meter_id ORDER BY bucket) AS prev_import_kwh
    FROM load_15m
) c;
