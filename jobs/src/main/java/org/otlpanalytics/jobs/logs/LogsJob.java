package org.otlpanalytics.jobs.logs;

import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.operators.logs.DrainOptions;
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.operators.logs.LogPatternAggregator;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.operators.logs.LogPatternWindowRow;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.logs.LogDecoder;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Log fingerprints from {@code otlp_logs}: decode → (tenant, service) key → Drain mining in
 * watermark order ({@link LogFingerprinter}) → (tenant, service, fingerprint) key → 5-minute counts
 * ({@link LogPatternAggregator}) → {@code log_pattern_5m}; the fingerprinter's dictionary rows go to
 * {@code log_pattern}. Wires only; computes nothing.
 */
public final class LogsJob {
    public static final String JOB = "logs";

    private LogsJob() {}

    public static LogPatternOptions logPatternOptions(JobOptions o) {
        return LogPatternOptions.builder()
                .drain(DrainOptions.builder().maxClusters(o.getInt(JobOptions.LOG_PATTERNS_MAX_CLUSTERS)).build())
                .allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .bufferMaxRecords(o.getInt(JobOptions.LOG_PATTERNS_BUFFER_MAX_RECORDS))
                .build();
    }

    /**
     * Builds the logs pipeline; {@code tap} (may be null) sees every record after decoding, which
     * tests use to inject a failure. Returns the {@code log_pattern_5m} rows.
     */
    public static SingleOutputStreamOperator<LogPatternWindowRow> buildPipeline(StreamExecutionEnvironment env,
            Source<Decoded<LogRecordFlat>, ?, ?> source, JobOptions o, Sink<DeadLetter> deadLetters,
            Sink<LogPatternRow> patternSink, Sink<LogPatternWindowRow> windowSink, MapFunction<LogRecordFlat, LogRecordFlat> tap) {
        String topic = o.require(JobOptions.LOGS_TOPIC);
        LogPatternOptions options = logPatternOptions(o);
        // read, decode, dead-letter, watermark
        DataStream<LogRecordFlat> logs = IngestStage.build(env, source, new LogDecoder(o.encoding()),
                LogRecordFlat.class, "logs", o, deadLetters);
        if (tap != null) {
            logs = logs.map(tap).name("logs-tap").uid("logs-tap");
        }
        // one Drain tree per tenant and service, fed in (event time, partition, offset) order at the watermark
        SingleOutputStreamOperator<LogPatternPartial> partials = logs
                .keyBy(LogFingerprinter::serviceKey)
                .transform("log-fingerprinter", TypeInformation.of(LogPatternPartial.class), new LogFingerprinter(options))
                .uid("log-fingerprinter");
        // 5-minute counts per fingerprint
        SingleOutputStreamOperator<LogPatternWindowRow> windows = partials
                .keyBy(LogPatternAggregator::seriesKey)
                .process(new LogPatternAggregator(options))
                .name("log-pattern-5m").uid("log-pattern-aggregator");
        // the pattern dictionary
        partials.getSideOutput(LogFingerprinter.PATTERNS)
                .sinkTo(patternSink).name("log-pattern-sink").uid("log-pattern-sink");
        // records later than the allowed lateness: counted, and kept in the dead-letter topic
        partials.getSideOutput(LogFingerprinter.LATE_LOGS)
                .map(r -> LateLogDeadLetter.ofLog(r, topic))
                .name("log-late-records").uid("log-late-records")
                .sinkTo(deadLetters).name("log-late-dead-letters").uid("log-late-dead-letters");
        windows.getSideOutput(LogPatternAggregator.LATE_PARTIALS)
                .map(p -> LateLogDeadLetter.ofPartial(p, topic))
                .name("log-late-partials").uid("log-late-partials")
                .sinkTo(deadLetters).name("log-late-partial-dead-letters").uid("log-late-partial-dead-letters");
        // a replay rewrites only the whole windows inside [--from, --to)
        SingleOutputStreamOperator<LogPatternWindowRow> out = replayFilter(windows, o);
        out.sinkTo(windowSink).name("log-pattern-5m-sink").uid("log-pattern-5m-sink");
        return out;
    }

    static SingleOutputStreamOperator<LogPatternWindowRow> replayFilter(SingleOutputStreamOperator<LogPatternWindowRow> rows,
            JobOptions o) {
        Instant from = o.getInstant(JobOptions.FROM);
        Instant to = o.getInstant(JobOptions.TO);
        if (from == null && to == null) {
            return rows;
        }
        long f = from == null ? Long.MIN_VALUE : from.toEpochMilli();
        long t = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        return rows.filter(r -> r.windowStartMillis >= f && r.windowStartMillis + LogPatternOptions.WINDOW_MILLIS <= t)
                .name("log-pattern-replay-range").uid("log-pattern-replay-range");
    }
}
