package org.otlpanalytics.jobs.sink.postgres;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;
import org.otlpanalytics.jobs.sink.UserCodeJdbcDrivers;

/**
 * Idempotent PostgreSQL sink: rows are deterministic upserts, flushed and committed in one
 * transaction at every checkpoint (and when a batch is full). A replay after a failure rewrites
 * the same rows with the same values, which gives exactly-once results without XA. A row the
 * database rejects as data goes to the dead-letter topic instead ({@link PostgresUpsertWriter}).
 */
public class PostgresUpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final PostgresSinkConfig config;
    private final PgRowMapper<T> mapper;

    public PostgresUpsertSink(PostgresSinkConfig config, PgRowMapper<T> mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        UserCodeJdbcDrivers.deregisterOnRelease(context.getUserCodeClassLoader());
        return new PostgresUpsertWriter<>(config, mapper, context.metricGroup());
    }

    /** A writer outside a Flink job (tools and tests): the same writes, its metrics in {@code metrics}. */
    public SinkWriter<T> standaloneWriter(MetricGroup metrics) {
        return new PostgresUpsertWriter<>(config, mapper, metrics);
    }
}
