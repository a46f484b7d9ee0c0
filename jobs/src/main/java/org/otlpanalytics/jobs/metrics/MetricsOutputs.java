package org.otlpanalytics.jobs.metrics;

import java.util.List;
import java.util.function.BiConsumer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.operators.metrics.UseRow;

/**
 * What the metrics pipeline produces: {@code metric_1m} and {@code use_1m} rows (both already
 * limited to the replay range) and the late-point dead letters. The job attaches the sinks.
 *
 * <p>The rows come from one minute aggregator, or two (the kept resources' one chained behind the
 * limit, and the overflow resources' one): {@link #metricParts} and {@link #useParts}, one stream per
 * aggregator, each written by a sink of its own ({@link #eachPart}), so that the first aggregator's
 * sink stays chained to it (a sink fed two streams is a task of its own, and every row would cross a
 * network step to it). {@link #metrics} and {@link #use} are their union, for readers that take them
 * as one stream.
 */
public record MetricsOutputs(List<DataStream<MetricRow>> metricParts, List<DataStream<UseRow>> useParts,
        List<DeadLetterStream> deadLetters) {
    public MetricsOutputs {
        metricParts = List.copyOf(metricParts);
        useParts = List.copyOf(useParts);
        deadLetters = List.copyOf(deadLetters);
    }

    /** Every {@code metric_1m} row, as one stream. */
    public DataStream<MetricRow> metrics() {
        return union(metricParts);
    }

    /** Every {@code use_1m} row, as one stream. */
    public DataStream<UseRow> use() {
        return union(useParts);
    }

    /**
     * Calls {@code sink} with each part and the uid its sink takes: {@code uid} for the first (the
     * uid of the sink when there was one part, so savepoints restore), {@code uid + "-overflow"} for the
     * overflow aggregator's.
     */
    public static <T> void eachPart(List<DataStream<T>> parts, String uid, BiConsumer<DataStream<T>, String> sink) {
        for (int i = 0; i < parts.size(); i++) {
            sink.accept(parts.get(i), i == 0 ? uid : uid + "-overflow");
        }
    }

    private static <T> DataStream<T> union(List<DataStream<T>> parts) {
        DataStream<T> all = parts.get(0);
        for (DataStream<T> p : parts.subList(1, parts.size())) {
            all = all.union(p);
        }
        return all;
    }
}
