-- Ingest: per-meter communication status and collection completeness (采集成功率).

-- One row per meter, written by ingest from its in-memory view (one set-based upsert every few
-- seconds). The rules service turns comm_state = 'lost' into a communication_lost alert.
CREATE TABLE meter_status (
  meter_id              integer PRIMARY KEY REFERENCES meters (id) ON DELETE CASCADE,
  -- unknown: never heard from since ingest started; ok; failing: recent requests failed but
  -- the last reading is younger than the comm-loss limit; lost: no reading for longer than that
  comm_state            text NOT NULL DEFAULT 'unknown' CHECK (comm_state IN ('unknown', 'ok', 'failing', 'lost')),
  -- reading time of the newest reading received (not the arrival time)
  last_seen_at          timestamptz,
  last_attempt_at       timestamptz,
  last_error            text,
  last_error_code       text,
  last_error_at         timestamptz,
  consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  -- Modbus: the meter is not polled before this time (exponential backoff with jitter)
  backoff_until         timestamptz,
  comm_lost_since       timestamptz,
  -- which ingest process wrote the row (several may run; each owns its meters)
  reported_by           text,
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meter_status_comm_state_idx ON meter_status (comm_state) WHERE comm_state <> 'ok';

-- Collection success rate per meter and period: expected readings (grid slots of the poll
-- interval in the period) against slots that received at least one reading. Counting slots,
-- not rows, keeps an MQTT meter that publishes off the grid or faster than its interval at
-- ≤ 100 %; received is also capped at expected. Periods are
-- aligned to `p_bucket` in China Standard Time (domain.md §6: no daylight saving) and clipped
-- to [p_from, p_to). Usable by the API and reports:
--   SELECT * FROM collection_completeness(now() - interval '1 day', now(), interval '15 minutes');
CREATE FUNCTION collection_completeness(p_from timestamptz, p_to timestamptz, p_bucket interval DEFAULT INTERVAL '1 day')
RETURNS TABLE (
  meter_id      integer,
  bucket        timestamptz,
  expected      integer,
  received      integer,
  success_rate  numeric
)
LANGUAGE sql STABLE AS $$
  WITH periods AS (
    SELECT m.id AS meter_id, m.poll_interval_s, b.bucket,
           GREATEST(b.bucket, p_from) AS period_start,
           LEAST(b.bucket + p_bucket, p_to) AS period_end
      FROM meters m
     CROSS JOIN LATERAL generate_series(
             time_bucket(p_bucket, p_from, 'Asia/Shanghai'),
             p_to - INTERVAL '1 microsecond',
             p_bucket) AS b(bucket)
     WHERE m.active
  ),
  counted AS (
    SELECT p.meter_id, p.bucket,
           -- grid points in [period_start, period_end): readings share timestamps on the grid
           (ceil(extract(epoch FROM p.period_end) / p.poll_interval_s)
            - ceil(extract(epoch FROM p.period_start) / p.poll_interval_s))::integer AS expected,
           (SELECT count(DISTINCT floor(extract(epoch FROM r.ts) / p.poll_interval_s))::integer
              FROM readings r
             WHERE r.meter_id = p.meter_id AND r.ts >= p.period_start AND r.ts < p.period_end) AS received
      FROM periods p
  )
  SELECT c.meter_id, c.bucket, c.expected, LEAST(c.received, c.expected) AS received,
         CASE WHEN c.expected > 0 THEN round(LEAST(c.received, c.expected)::numeric / c.expected, 4) END AS success_rate
    FROM counted c
   ORDER BY c.meter_id, c.bucket
$$;

-- Today's collection success rate per meter (China Standard Time), for dashboards.
CREATE VIEW collection_completeness_today AS
SELECT c.meter_id, m.code AS meter_code, c.expected, c.received, c.success_rate
  FROM collection_completeness(
         date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai',
         now(),
         INTERVAL '1 day') c
  JOIN meters m ON m.id = c.meter_id;
