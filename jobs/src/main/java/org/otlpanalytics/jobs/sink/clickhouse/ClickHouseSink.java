package org.otlpanalytics.jobs.sink.clickhouse;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * A Flink (Sink V2) sink of one row type into one ClickHouse table over the HTTP interface, exactly
 * once by design rather than by transaction: every row is acknowledged by the server before the
 * checkpoint that covers it completes ({@link ClickHouseWriter}), a restart rewrites rows with the
 * same deterministic sorting key, and the tables are ReplacingMergeTrees read with FINAL, which shows
 * each key once, with its latest version.
 *
 * <pre>{@code
 * rows.sinkTo(new ClickHouseSink<>(config, new RedRowMapper("otlp_spans"))).name("red-1m-clickhouse");
 * }</pre>
 */
public class ClickHouseSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final ClickHouseSinkConfig config;
    private final ClickHouseRowMapper<T> mapper;

    public ClickHouseSink(ClickHouseSinkConfig config, ClickHouseRowMapper<T> mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new ClickHouseWriter<>(config, mapper, context.metricGroup());
    }

    /** A writer outside a Flink job (tools and tests): the same writes, its metrics in {@code metrics}. */
    public SinkWriter<T> standaloneWriter(MetricGroup metrics) {
        return new ClickHouseWriter<>(config, mapper, metrics);
    }
}
