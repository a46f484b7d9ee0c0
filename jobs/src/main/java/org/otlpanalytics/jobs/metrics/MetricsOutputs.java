package org.otlpanalytics.jobs.metrics;

import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.operators.metrics.UseRow;

/**
 * What the metrics pipeline produces: {@code metric_1m} and {@code use_1m} rows (both already
 * limited to the replay range) and the late-point dead letters. The job attaches the sinks.
 */
public record MetricsOutputs(DataStream<MetricRow> metrics, DataStream<UseRow> use, List<DeadLetterStream> deadLetters) {
    public MetricsOutputs {
        deadLetters = List.copyOf(deadLetters);
    }
}
