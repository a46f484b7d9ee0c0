package org.otlpanalytics.jobs.sink.postgres;

import java.io.Serializable;

/** One parameterised upsert that a {@link PgRowMapper} fills; executed in the order declared. */
public final class PgStatement implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final String sql;

    public PgStatement(String name, String sql) {
        this.name = name;
        this.sql = sql;
    }

    @Override
    public String toString() {
        return name;
    }
}
