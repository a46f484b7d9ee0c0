package org.otlpanalytics.jobs.red;

import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.operators.red.SpanAttrRow;

/**
 * What the RED pipeline produces: {@code red_1m} rows and {@code span_attr_1m} rows (the span
 * dimensions' top values and distinct counts per service and minute), both already limited to
 * the replay range, and its late-record dead letters. The job attaches the sinks.
 */
public record RedOutputs(DataStream<RedRow> rows, DataStream<SpanAttrRow> attributes, List<DeadLetterStream> deadLetters) {
    public RedOutputs {
        deadLetters = List.copyOf(deadLetters);
    }
}
