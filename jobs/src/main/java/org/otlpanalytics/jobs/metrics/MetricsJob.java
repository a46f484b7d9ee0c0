package org.otlpanalytics.jobs.metrics;

import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchTypeInfo;
import org.otlpanalytics.operators.metrics.MetricDeltaConverter;
import org.otlpanalytics.operators.metrics.MetricLateDeadLetter;
import org.otlpanalytics.operators.metrics.MetricMinuteAggregator;
import org.otlpanalytics.operators.metrics.MetricOptions;
import org.otlpanalytics.operators.metrics.MetricPreAggregator;
import org.otlpanalytics.operators.metrics.MetricPointTypeInfo;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.operators.metrics.UseRow;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * {@code metric_1m} and USE from {@code otlp_metrics}: decode → batches per resource (gauges and
 * deltas pre-aggregated per series and minute, chained to the source) → (tenant, resource) key →
 * cumulative-to-delta in event-time order → 1-minute aggregates per series and USE per resource
 * → sinks. Wires only; computes nothing.
 *
 * <p>Options of the metrics pipeline besides the shared ones ({@code --allowed-lateness} is used
 * for its minutes too) are read with their defaults when absent, so they can be given through
 * {@link JobOptions#with} (and on the command line once {@code JobOptions} lists them):
 * {@value #SERIES_IDLE_TIMEOUT} (15m), {@value #MAX_SERIES_PER_RESOURCE} (5000),
 * {@value #FIRST_POINT_MAX_INTERVAL} (5m).
 */
public final class MetricsJob {
    public static final String SERIES_IDLE_TIMEOUT = "metrics-series-idle-timeout";
    public static final String MAX_SERIES_PER_RESOURCE = "metrics-max-series-per-resource";
    public static final String FIRST_POINT_MAX_INTERVAL = "metrics-first-point-max-interval";

    private MetricsJob() {}

    public static MetricOptions metricOptions(JobOptions o) {
        MetricOptions.Builder b = MetricOptions.builder().allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS));
        if (o.get(SERIES_IDLE_TIMEOUT) != null) {
            b.seriesIdleTimeout(o.getDuration(SERIES_IDLE_TIMEOUT));
        }
        if (o.get(MAX_SERIES_PER_RESOURCE) != null) {
            b.maxSeriesPerResource(o.getInt(MAX_SERIES_PER_RESOURCE));
        }
        if (o.get(FIRST_POINT_MAX_INTERVAL) != null) {
            b.firstPointMaxInterval(o.getDuration(FIRST_POINT_MAX_INTERVAL));
        }
        return b.build();
    }

    /**
     * Builds the metrics pipeline; {@code tap} (may be null) sees every point after decoding,
     * which tests use to inject a failure. Returns the metric_1m rows (the USE rows are its
     * {@link MetricMinuteAggregator#USE_ROWS} side output, already wired to {@code useSink}).
     */
    public static SingleOutputStreamOperator<MetricRow> buildPipeline(StreamExecutionEnvironment env,
            Source<Decoded<MetricPoint>, ?, ?> source, JobOptions o, Sink<DeadLetter> deadLetters,
            Sink<MetricRow> metricSink, Sink<UseRow> useSink, MapFunction<MetricPoint, MetricPoint> tap) {
        String topic = o.require(JobOptions.METRICS_TOPIC);
        MetricOptions options = metricOptions(o);
        // read, decode, dead-letter, watermark
        DataStream<MetricPoint> points = IngestStage.build(env, source, new MetricDecoder(o.encoding()),
                MetricPoint.class, "metrics", o, deadLetters)
                // the compact serializer instead of the POJO one for the shuffle by resource
                .returns(MetricPointTypeInfo.INSTANCE);
        if (tap != null) {
            points = points.map(tap).name("metrics-tap").uid("metrics-tap");
        }
        // per-source-subtask batches per resource, chained to the source: gauges and deltas
        // pre-aggregated per series and minute, so the shuffle carries one record per resource and flush
        SingleOutputStreamOperator<MetricBatch> batches = points
                .transform("metrics-preaggregate", MetricBatchTypeInfo.INSTANCE,
                        new MetricPreAggregator(options, MetricPreAggregator.DEFAULT_MAX_ENTRIES))
                .uid("metrics-preaggregate");
        // one key per tenant and resource; cumulative points become deltas in event-time order
        SingleOutputStreamOperator<MetricBatch> deltas = batches
                .keyBy(MetricBatch::resourceKey)
                .transform("metrics-cumulative-to-delta", MetricBatchTypeInfo.INSTANCE, new MetricDeltaConverter(options))
                .uid("metrics-delta-converter");
        // same key, same partitioning: the minute aggregator is chained without another shuffle
        SingleOutputStreamOperator<MetricRow> rows = DataStreamUtils
                .reinterpretAsKeyedStream(deltas, MetricBatch::resourceKey)
                .transform("metric-1m-and-use", TypeInformation.of(MetricRow.class),
                        new HorizonKeyedProcessOperator<>(new MetricMinuteAggregator(options)))
                .uid("metric-minute-aggregator");
        // points later than the allowed lateness: counted, and kept in the dead-letter topic
        batches.getSideOutput(MetricMinuteAggregator.LATE_POINTS)
                .union(rows.getSideOutput(MetricMinuteAggregator.LATE_POINTS))
                .map(p -> MetricLateDeadLetter.of(p, topic))
                .name("metrics-late-points").uid("metrics-late-points")
                .sinkTo(deadLetters).name("metrics-late-dead-letters").uid("metrics-late-dead-letters");
        rows.getSideOutput(MetricMinuteAggregator.LATE_PARTIALS)
                .map(q -> MetricLateDeadLetter.ofPartial(q, topic))
                .name("metrics-late-partials").uid("metrics-late-partials")
                .sinkTo(deadLetters).name("metrics-late-partial-dead-letters").uid("metrics-late-partial-dead-letters");
        // a replay rewrites only the whole minutes inside [--from, --to)
        long[] range = replayRange(o);
        SingleOutputStreamOperator<MetricRow> out = rows
                .filter(r -> r.bucketStartMillis >= range[0] && r.bucketStartMillis + MetricOptions.WINDOW_MILLIS <= range[1])
                .name("metric-1m-replay-range").uid("metric-1m-replay-range");
        out.sinkTo(metricSink).name("metric-1m-sink").uid("metric-1m-sink");
        rows.getSideOutput(MetricMinuteAggregator.USE_ROWS)
                .filter(u -> u.bucketStartMillis >= range[0] && u.bucketStartMillis + MetricOptions.WINDOW_MILLIS <= range[1])
                .name("use-1m-replay-range").uid("use-1m-replay-range")
                .sinkTo(useSink).name("use-1m-sink").uid("use-1m-sink");
        return out;
    }

    /** [from, to) in epoch ms from --from/--to (unbounded ends when not set). */
    static long[] replayRange(JobOptions o) {
        Instant from = o.getInstant(JobOptions.FROM);
        Instant to = o.getInstant(JobOptions.TO);
        return new long[] {from == null ? Long.MIN_VALUE : from.toEpochMilli(),
            to == null ? Long.MAX_VALUE : to.toEpochMilli()};
    }
}
