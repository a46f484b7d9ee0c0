-- The 20 newest error records of the most frequent error pattern of the last hour of data, with the
-- trace and span they belong to (the way from a log pattern to its traces).
SELECT
    time,
    service,
    severity_text,
    body,
    trace_id,
    span_id
FROM log_record FINAL
WHERE is_error = 1
  AND fingerprint_id =
  (
      SELECT fingerprint_id
      FROM log_pattern_5m FINAL
      WHERE bucket > (SELECT max(bucket) FROM log_pattern_5m) - 3600
      GROUP BY fingerprint_id
      ORDER BY sum(count_error) DESC, fingerprint_id
      LIMIT 1
  )
ORDER BY time DESC, kafka_partition, kafka_offset, index_in_message
LIMIT 20;
