package org.otlpanalytics.jobs.sink.postgres;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The idempotent upsert sink of the edge tables ({@code service_call_5m}, {@code topo_edge_time}):
 * {@link PostgresUpsertSink}'s contract (deterministic upserts committed at every checkpoint),
 * with the dimension rows written in key order. Edge rows of different subtasks share their
 * resources (a service is caller here and callee there), and two transactions inserting the same
 * new {@code dim_resource} keys in different orders deadlock; in one global order they cannot.
 *
 * <pre>{@code
 * new ServiceCallUpsertSink<>(pgConfig, new ServiceCallRowMapper("otlp_spans"))
 * }</pre>
 */
public class ServiceCallUpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final PostgresSinkConfig config;
    private final PgRowMapper<T> mapper;

    public ServiceCallUpsertSink(PostgresSinkConfig config, PgRowMapper<T> mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new ServiceCallUpsertWriter<>(config, mapper, context.metricGroup());
    }
}
