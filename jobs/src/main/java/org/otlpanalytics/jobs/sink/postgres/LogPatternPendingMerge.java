package org.otlpanalytics.jobs.sink.postgres;

import java.time.OffsetDateTime;

/**
 * Two pending {@code log_pattern} parameter sets of one fingerprint made into one exactly as
 * {@link LogPatternRowMapper#UPSERT_PATTERN} merges a set into the stored row: first seen the
 * earliest, last seen the latest, the sample the earliest by (event time, partition, offset), the
 * highest severity with its text, and the pattern text, aliases and merged-into of the set with the
 * newer snapshot (the later set on a tie).
 *
 * <p><b>Why.</b> The fingerprinter emits a pattern's row again at every window end where it
 * changed, each a snapshot of all seen so far. Rows of one fingerprint do not always reach the
 * sink in the order emitted (in a batch-mode replay Flink's exchange to the sink may hand them over
 * out of order), and a later set that simply replaced the pending one then dropped the widening:
 * a row emitted at 10:04 arriving after the one of 10:14 left {@code last_seen} at 10:04, and its
 * older template. Merged like the upsert, the flush writes what upserting every set in turn would
 * leave, and that is the same in any order.
 */
final class LogPatternPendingMerge implements PendingMerge {
    private static final long serialVersionUID = 1L;
    // positions of the bound parameters (LogPatternRowMapper#map)
    static final int PATTERN = 3;
    static final int SAMPLE = 4;
    static final int SAMPLE_TIME = 5;
    static final int SAMPLE_NANOS = 6;
    static final int SAMPLE_PARTITION = 7;
    static final int SAMPLE_OFFSET = 8;
    static final int SEVERITY_NUMBER = 9;
    static final int SEVERITY_TEXT = 10;
    static final int FIRST_SEEN = 11;
    static final int LAST_SEEN = 12;
    static final int ALIASES = 13;
    static final int MERGED_INTO = 14;
    static final int SNAPSHOT_TIME = 15;

    @Override
    public Object[] merge(Object[] earlier, Object[] later) {
        // identity and dimensions as stored first; pattern, aliases, merged-into as the newer snapshot has them
        Object[] m = later.clone();
        for (int i = 0; i < 3; i++) {
            m[i] = earlier[i];
        }
        if (((OffsetDateTime) later[SNAPSHOT_TIME]).isBefore((OffsetDateTime) earlier[SNAPSHOT_TIME])) {
            m[PATTERN] = earlier[PATTERN];
            m[ALIASES] = earlier[ALIASES];
            m[MERGED_INTO] = earlier[MERGED_INTO];
            m[SNAPSHOT_TIME] = earlier[SNAPSHOT_TIME];
        }
        if (!sampleBefore(later, earlier)) {
            for (int i = SAMPLE; i <= SAMPLE_OFFSET; i++) {
                m[i] = earlier[i];
            }
        }
        if ((Integer) later[SEVERITY_NUMBER] <= (Integer) earlier[SEVERITY_NUMBER]) {
            m[SEVERITY_NUMBER] = earlier[SEVERITY_NUMBER];
            m[SEVERITY_TEXT] = earlier[SEVERITY_TEXT];
        }
        m[FIRST_SEEN] = earliest((OffsetDateTime) earlier[FIRST_SEEN], (OffsetDateTime) later[FIRST_SEEN]);
        m[LAST_SEEN] = latest((OffsetDateTime) earlier[LAST_SEEN], (OffsetDateTime) later[LAST_SEEN]);
        return m;
    }

    /** Whether {@code a}'s sample comes before {@code b}'s by (event time, partition, offset). */
    private static boolean sampleBefore(Object[] a, Object[] b) {
        int c = Long.compare((Long) a[SAMPLE_NANOS], (Long) b[SAMPLE_NANOS]);
        if (c == 0) {
            c = Integer.compare((Integer) a[SAMPLE_PARTITION], (Integer) b[SAMPLE_PARTITION]);
        }
        if (c == 0) {
            c = Long.compare((Long) a[SAMPLE_OFFSET], (Long) b[SAMPLE_OFFSET]);
        }
        return c < 0;
    }

    private static OffsetDateTime earliest(OffsetDateTime a, OffsetDateTime b) {
        return b.isBefore(a) ? b : a;
    }

    private static OffsetDateTime latest(OffsetDateTime a, OffsetDateTime b) {
        return b.isAfter(a) ? b : a;
    }
}
