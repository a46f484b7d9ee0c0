package org.otlpanalytics.jobs.sink.postgres;

import java.io.Serializable;

/**
 * One parameterised upsert that a {@link PgRowMapper} fills; executed in the order declared.
 * A {@link #bulk} statement's larger batches go through {@link PgBulkUpsert} (COPY into a
 * staging table, then one upsert), with the bound statement kept for small batches and for
 * locating rejected rows.
 */
public final class PgStatement implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final String sql;
    final boolean bulk;
    /** How two pending sets of one row key become one ({@link PgBatch}); by default the later replaces the earlier. */
    final PendingMerge merge;

    public PgStatement(String name, String sql) {
        this(name, sql, false, PendingMerge.LATER_REPLACES);
    }

    private PgStatement(String name, String sql, boolean bulk, PendingMerge merge) {
        this.name = name;
        this.sql = sql;
        this.bulk = bulk;
        this.merge = merge;
    }

    /** A statement written in bulk; {@code sql} must be {@code INSERT INTO t (...) VALUES (?, ...) ON CONFLICT ...}. */
    public static PgStatement bulk(String name, String sql) {
        PgBulkUpsert.of(sql); // fails now on SQL without a bulk form
        return new PgStatement(name, sql, true, PendingMerge.LATER_REPLACES);
    }

    /**
     * This statement with pending sets of one key merged by {@code merge} rather than replaced: for
     * an upsert that widens the row (keeps the earliest of one column, the largest of another), so
     * that the set written is the one the upserts of every set, in the order they came, would leave.
     */
    public PgStatement merging(PendingMerge merge) {
        return new PgStatement(name, sql, bulk, merge);
    }

    @Override
    public String toString() {
        return name;
    }
}
