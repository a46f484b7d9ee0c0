package org.otlpanalytics.jobs.logs;

import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.operators.logs.FingerprintedLog;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.operators.logs.LogPatternWindowRow;

/**
 * What the log pipeline produces: the pattern dictionary ({@code log_pattern}), the 5-minute
 * counts ({@code log_pattern_5m}, already limited to the replay range), every counted record with
 * its fingerprint (empty unless {@link LogsJob.Settings#withFingerprintedLogs} turned it on; not
 * limited to the replay range) and the late-record dead letters. The job attaches the sinks.
 */
public record LogsOutputs(DataStream<LogPatternRow> patterns, DataStream<LogPatternWindowRow> windows,
        DataStream<FingerprintedLog> fingerprintedLogs, List<DeadLetterStream> deadLetters) {
    public LogsOutputs {
        deadLetters = List.copyOf(deadLetters);
    }
}
