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

    private UnminedPatterns() {}

    /** Fingerprint of the records of ({@code tenant}, {@code service}) over the per-second cap. */
    public static long overCapId(String tenant, String service) {
        return StableHash.of("log-pattern-unmined", "over-cap", orEmpty(tenant), orEmpty(service));
    }

    /** Fingerprint of the late records of ({@code tenant}, {@code service}) that matched no pattern. */
    public static long lateUnmatchedId(String tenant, String service) {
        return StableHash.of("log-pattern-unmined", "late-unmatched", orEmpty(tenant), orEmpty(service));
    }

    /** As {@link DrainTree} does, a missing tenant or service is the empty one. */
    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
