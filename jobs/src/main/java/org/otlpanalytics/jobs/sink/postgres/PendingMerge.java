package org.otlpanalytics.jobs.sink.postgres;

import java.io.Serializable;

/**
 * How a {@link PgBatch} makes one parameter set of two pending sets with the same row key before a
 * flush. The batch holds one set per key, so that a row rewritten several times between two
 * flushes is written once; the merge decides what that one set is. It must give what upserting
 * the two sets one after the other would leave in the table: otherwise the de-duplication, not the
 * data, decides the row.
 */
@FunctionalInterface
public interface PendingMerge extends Serializable {
    /**
     * The later set replaces the earlier one: right where each set is the whole row and the upsert
     * overwrites it (a window's aggregate, rewritten with its last value).
     */
    PendingMerge LATER_REPLACES = (earlier, later) -> later;

    /** The set that stands for {@code earlier} followed by {@code later} (both as the mapper bound them). */
    Object[] merge(Object[] earlier, Object[] later);
}
