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

    public PgStatement(String name, String sql) {
        this(name, sql, false);
    }

    private PgStatement(String name, String sql, boolean bulk) {
        this.name = name;
        this.sql = sql;
        this.bulk = bulk;
    }

    /** A statement written in bulk; {@code sql} must be {@code INSERT INTO t (...) VALUES (?, ...) ON CONFLICT ...}. */
    public static PgStatement bulk(String name, String sql) {
        PgBulkUpsert.of(sql); // fails now on SQL without a bulk form
        return new PgStatement(name, sql, true);
    }

    @Override
    public String toString() {
        return name;
    }
}
