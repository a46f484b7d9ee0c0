package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.logs.LogPatternRow;

/**
 * Upserts of {@code log_pattern}, the pattern dictionary (with its tenant and resource). The merge is
 * idempotent and order-insensitive: first/last seen and the highest severity only widen, the sample
 * is the earliest by (event time, partition, offset) ever written, and the pattern text, aliases and
 * merged-into are those of the newest snapshot ({@code snapshot_time}, V33; a tie keeps the later
 * write) — so rewriting rows after a restart, replaying a sub-range, or rows arriving out of the order
 * emitted never narrow what a full run wrote nor bring back an older template. Sets of one fingerprint
 * pending in the same flush are merged the same way ({@link LogPatternPendingMerge}).
 */
public final class LogPatternRowMapper implements PgRowMapper<LogPatternRow> {
    private static final long serialVersionUID = 1L;
    private static final int PATTERN = DimensionRows.STATEMENTS.size();

    static final String UPSERT_PATTERN = "INSERT INTO log_pattern AS p (fingerprint_id, tenant_id, resource_id, pattern, "
            + "sample, sample_time, sample_time_unix_nano, sample_partition, sample_offset, severity_number, severity_text, "
            + "first_seen, last_seen, aliases, merged_into, snapshot_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (fingerprint_id) DO UPDATE SET pattern = CASE WHEN " + newer() + " THEN EXCLUDED.pattern ELSE p.pattern END, "
            + "sample = CASE WHEN " + earlier() + " THEN EXCLUDED.sample ELSE p.sample END, "
            + "sample_time = CASE WHEN " + earlier() + " THEN EXCLUDED.sample_time ELSE p.sample_time END, "
            + "sample_time_unix_nano = CASE WHEN " + earlier() + " THEN EXCLUDED.sample_time_unix_nano ELSE p.sample_time_unix_nano END, "
            + "sample_partition = CASE WHEN " + earlier() + " THEN EXCLUDED.sample_partition ELSE p.sample_partition END, "
            + "sample_offset = CASE WHEN " + earlier() + " THEN EXCLUDED.sample_offset ELSE p.sample_offset END, "
            + "severity_text = CASE WHEN EXCLUDED.severity_number > p.severity_number THEN EXCLUDED.severity_text ELSE p.severity_text END, "
            + "severity_number = GREATEST(p.severity_number, EXCLUDED.severity_number), "
            + "first_seen = LEAST(p.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(p.last_seen, EXCLUDED.last_seen), "
            + "aliases = CASE WHEN " + newer() + " THEN EXCLUDED.aliases ELSE p.aliases END, "
            + "merged_into = CASE WHEN " + newer() + " THEN EXCLUDED.merged_into ELSE p.merged_into END, "
            + "snapshot_time = GREATEST(p.snapshot_time, EXCLUDED.snapshot_time)";

    /** Whether the written set is a snapshot at least as new as the stored row's (a tie: the later write). */
    private static String newer() {
        return "EXCLUDED.snapshot_time >= p.snapshot_time";
    }

    private static String earlier() {
        return "(EXCLUDED.sample_time_unix_nano, EXCLUDED.sample_partition, EXCLUDED.sample_offset) "
                + "< (p.sample_time_unix_nano, p.sample_partition, p.sample_offset)";
    }

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        // sets of one fingerprint pending together are merged as the upsert merges them, in whatever order they came
        s.add(new PgStatement("log_pattern", UPSERT_PATTERN).merging(new LogPatternPendingMerge()));
        return s;
    }

    @Override
    public void map(LogPatternRow r, PgBatch b) {
        long tenantId = DimensionRows.tenant(b, r.tenant);
        long resourceId = DimensionRows.resource(b, tenantId, r.serviceUrn, r.serviceName, r.serviceNamespace);
        b.add(PATTERN, r.fingerprintId, r.fingerprintId, tenantId, resourceId, r.pattern, r.sample == null ? "" : r.sample,
                PgParams.ts(Math.floorDiv(r.sampleTimeNanos, 1_000_000L)), r.sampleTimeNanos, r.samplePartition, r.sampleOffset,
                r.severityNumber, r.severityText, PgParams.ts(r.firstSeenMillis), PgParams.ts(r.lastSeenMillis),
                r.aliases == null ? new long[0] : r.aliases, r.mergedInto, PgParams.ts(r.snapshotMillis));
    }
}
