-- analyze: OUT/clickhouse/log_pattern.csv, the columns of OUT/log_pattern.csv: the dictionary read through
-- the collapsing view log_pattern_current; fingerprints as 16 hex digits.
SELECT
    lower(substring(concat('0000000000000000', hex(toUInt64(fingerprint_id))), length(hex(toUInt64(fingerprint_id))) + 1, 16))
        AS fingerprint_id,
    tenant,
    service,
    service_urn,
    pattern,
    sample,
    severity_number,
    ifNull(severity_text, '') AS severity_text,
    concat(replaceOne(toString(first_seen), ' ', 'T'), 'Z') AS first_seen,
    concat(replaceOne(toString(last_seen), ' ', 'T'), 'Z') AS last_seen,
    if(isNull(merged_into), '',
        lower(substring(concat('0000000000000000', hex(toUInt64(assumeNotNull(merged_into)))),
            length(hex(toUInt64(assumeNotNull(merged_into)))) + 1, 16))) AS merged_into,
    arrayStringConcat(arrayMap(a -> lower(substring(concat('0000000000000000', hex(toUInt64(a))), length(hex(toUInt64(a))) + 1, 16)),
        aliases), ' ') AS aliases,
    sample_partition,
    sample_offset
FROM log_pattern_current
ORDER BY tenant, service, pattern, log_pattern_current.fingerprint_id;
