package org.otlpanalytics.operators.logs;

import org.otlpanalytics.operators.common.StableHash;

/**
 * The two pseudo-patterns of every (tenant, service) that count records which never reach its
 * tree, so that totals stay right: records over {@link LogPatternOptions#secondMaxRecords()}, and
 * records that arrived after their second was mined and match none of the tree's patterns.
 *
 * <p>Their ids are hashes of a fixed label, tenant and service with {@link StableHash} (not
 * {@link TemplateFingerprint}, which hashes template texts with another seed and layout), so no
 * log message, however crafted, can produce a template with one of these ids. Their dictionary rows
 * carry the patterns below, which say what they count.
 */
public final class UnminedPatterns {
    /** Pattern text of the records over the per-second cap. */
    public static final String OVER_CAP_PATTERN = "<records over " + LogPatternOptions.SECOND_MAX_RECORDS_KEY + ">";
    /** Pattern text of the late records that matched no pattern. */
    public static final String LATE_UNMATCHED_PATTERN = "<late records matching no pattern>";

    /** Pattern text of the patterns folded by the per-tenant pattern limit ({@code --limits-max-series-per-tenant}). */
    public static final String OVER_LIMIT_PATTERN = "<patterns over limits-max-series-per-tenant>";

    private UnminedPatterns() {}

    /** Fingerprint of the patterns of ({@code tenant}, {@code service}) folded by the per-tenant pattern limit. */
    public static long overLimitId(String tenant, String service) {
        return StableHash.of("log-pattern-unmined", "over-limit", orEmpty(tenant), orEmpty(service));
    }

    /** Fingerprint of the records of ({@code tenant}, {@code service}) over the per-second cap. */
    public static long overCapId(String tenant, String service) {
        return StableHash.of("log-pattern-unmined", "over-cap", orEmpty(tenant), orEmpty(service));
    }

    /** Fingerprint of the late records of ({@code tenant}, {@code service}) that matched no pattern. */
    public static long lateUnmatchedId(String tenant, String service) {
        return StableHash.of("log-pattern-unmined", "late-unmatched", orEmpty(tenant), orEmpty(service));
    }

    /**
     * The dictionary row of the over-limit pattern a folded partial counts under: its text says
     * what it counts, its sample is empty, its sample coordinates, first and last seen are the
     * partial's earliest and latest record (widened by the {@code log_pattern} upsert), its severity
     * {@code ERROR} (17) when it counts errors.
     */
    public static LogPatternRow overLimitRow(LogPatternPartial p) {
        LogPatternRow row = new LogPatternRow();
        row.fingerprintId = p.fingerprintId;
        row.tenant = p.tenant;
        row.serviceName = p.serviceName;
        row.serviceNamespace = p.serviceNamespace;
        row.serviceUrn = p.serviceUrn;
        row.pattern = OVER_LIMIT_PATTERN;
        row.sample = "";
        boolean timed = p.range != null && p.range.timeFromMillis <= p.range.timeToMillis;
        row.firstSeenMillis = timed ? p.range.timeFromMillis : p.windowStartMillis;
        row.lastSeenMillis = timed ? p.range.timeToMillis : p.windowStartMillis;
        row.sampleTimeNanos = row.firstSeenMillis * 1_000_000L;
        row.samplePartition = -1;
        row.sampleOffset = -1;
        if (p.range != null) {
            for (int i = 0; i < p.range.from.length; i++) {
                if (p.range.from[i] >= 0) {
                    row.samplePartition = i;
                    row.sampleOffset = p.range.from[i];
                    break;
                }
            }
        }
        row.severityNumber = p.countError > 0 ? 17 : 0;
        row.severityText = p.countError > 0 ? "ERROR" : null;
        row.aliases = new long[0];
        row.snapshotMillis = row.lastSeenMillis; // its text never changes
        return row;
    }

    /** As {@link DrainTree} does, a missing tenant or service is the empty one. */
    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
