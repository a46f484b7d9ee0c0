package org.otlpanalytics.jobs.logs;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.ReplayRange;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.jobs.limits.LimitOptions;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.operators.limits.LimitedLogRouter;
import org.otlpanalytics.operators.limits.LogLimitSubjects;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.logs.DrainOptions;
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.operators.logs.LogPatternAggregator;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.operators.logs.LogPatternWindowRow;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.operators.logs.ServiceKeySelector;
import org.otlpanalytics.operators.logs.UnminedPatterns;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Log fingerprints from decoded log records: (tenant, service) key → tenant and service limits ({@link Limiters#logRecords}) → Drain mining in watermark
 * order ({@link LogFingerprinter}, chained: a kept record is on its stream's subtask; the overflow streams' records
 * shuffled to a fingerprinter of their own, {@link LimitedLogRouter}) → (tenant, service, fingerprint) key → 5-minute counts
 * behind the pattern limit ({@link Limiters#logPatterns}) ({@link LogPatternAggregator}) for {@code log_pattern_5m}; the fingerprinter's dictionary rows
 * for {@code log_pattern}. Wires only; computes nothing, and does not know the store: the job
 * attaches the sinks to {@link LogsOutputs}.
 */
public final class LogsJob {
    public static final String JOB = "logs";

    private LogsJob() {}

    /** The pipeline's settings, parsed once from the job options. */
    public record Settings(LogPatternOptions options, LimitOptions limits, String topic, ReplayRange replay) {
        public static Settings of(JobOptions o) {
            return new Settings(logPatternOptions(o), LimitOptions.of(o), o.require(JobOptions.LOGS_TOPIC), o.replayRange());
        }

        /**
         * These settings with every counted record also emitted with its fingerprint
         * ({@link LogsOutputs#fingerprintedLogs()}), for a raw-record store; off by default, so the
         * aggregate-only pipeline does not carry whole records in its buffers.
         */
        public Settings withFingerprintedLogs(boolean on) {
            return new Settings(options.toBuilder().fingerprintedLogs(on).build(), limits, topic, replay);
        }
    }

    public static LogPatternOptions logPatternOptions(JobOptions o) {
        return LogPatternOptions.builder()
                .drain(DrainOptions.builder().maxClusters(o.getInt(JobOptions.LOG_PATTERNS_MAX_CLUSTERS)).build())
                .allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .secondMaxRecords(o.getInt(JobOptions.LOG_PATTERNS_SECOND_MAX_RECORDS))
                .streamIdleTimeout(o.getDuration(JobOptions.LOG_PATTERNS_STREAM_IDLE_TIMEOUT))
                .cacheMaxPatterns(o.getInt(JobOptions.LOG_PATTERNS_CACHE_MAX_PATTERNS))
                .build();
    }

    /** Builds the logs pipeline on decoded, timestamped log records (the log ingest stage's output). */
    public static LogsOutputs buildPipeline(DataStream<LogRecordFlat> logs, Settings s) {
        String topic = s.topic();
        LogPatternOptions options = s.options();
        // tenants, then services per tenant, limited per minute: a folded one mines and counts in overflow's tree
        SingleOutputStreamOperator<LogRecordFlat> routed = Limiters.logRecords(logs, s.limits(), options.allowedLatenessMillis())
                .process(new LimitedLogRouter()).returns(LogRecordFlatSerializer.TYPE)
                .name("log-fingerprinter-route").uid("log-fingerprinter-route");
        // one Drain tree per tenant and service, fed in (event time, partition, offset) order at the watermark:
        // a kept record is on its stream's subtask already (the limit's key), so the fingerprinter is chained
        SingleOutputStreamOperator<LogPatternPartial> kept = DataStreamUtils
                .reinterpretAsKeyedStream(routed, new ServiceKeySelector(), Types.STRING)
                .transform("log-fingerprinter", TypeInformation.of(LogPatternPartial.class), new LogFingerprinter(options))
                .uid("log-fingerprinter");
        // the overflow streams, whose records come from every subtask, in a fingerprinter of their own
        SingleOutputStreamOperator<LogPatternPartial> overflow = routed.getSideOutput(LimitedLogRouter.REKEYED)
                .keyBy(new ServiceKeySelector(), Types.STRING)
                .transform("log-overflow-fingerprinter", TypeInformation.of(LogPatternPartial.class), new LogFingerprinter(options))
                .uid("log-overflow-fingerprinter");
        DataStream<LogPatternPartial> partials = kept.union(overflow);
        // 5-minute counts per fingerprint
        // patterns (service, fingerprint) per tenant and window; past the limit, the service's over-limit pattern
        DataStream<LogPatternPartial> limitedPatterns = Limiters.logPatterns(partials, s.limits(), options.allowedLatenessMillis());
        SingleOutputStreamOperator<LogPatternWindowRow> windows = limitedPatterns
                .keyBy(LogPatternAggregator::seriesKey)
                .transform("log-pattern-5m", TypeInformation.of(LogPatternWindowRow.class),
                        new HorizonKeyedProcessOperator<>(new LogPatternAggregator(options)))
                .uid("log-pattern-aggregator");
        // records later than the allowed lateness: counted, and kept in the dead-letter topic
        DataStream<DeadLetter> lateLogs = kept.getSideOutput(LogFingerprinter.LATE_LOGS)
                .union(overflow.getSideOutput(LogFingerprinter.LATE_LOGS))
                .map(r -> LateLogDeadLetter.ofLog(r, topic))
                .name("log-late-records").uid("log-late-records");
        DataStream<DeadLetter> latePartials = windows.getSideOutput(LogPatternAggregator.LATE_PARTIALS)
                .map(p -> LateLogDeadLetter.ofPartial(p, topic))
                .name("log-late-partials").uid("log-late-partials");
        // the pattern dictionary, and a replay rewrites only the whole windows inside [--from, --to)
        // the dictionary rows of the over-limit patterns, so their counts join like any pattern's
        DataStream<LogPatternRow> overLimit = limitedPatterns.filter(LogLimitSubjects::isOverLimit)
                .name("log-pattern-over-limit").uid("log-pattern-over-limit")
                .map(UnminedPatterns::overLimitRow).returns(LogFingerprinter.PATTERNS.getTypeInfo())
                .name("log-pattern-over-limit-rows").uid("log-pattern-over-limit-rows");
        return new LogsOutputs(kept.getSideOutput(LogFingerprinter.PATTERNS).union(overflow.getSideOutput(LogFingerprinter.PATTERNS), overLimit),
                replayFilter(windows, s.replay()),
                kept.getSideOutput(LogFingerprinter.FINGERPRINTED_LOGS).union(overflow.getSideOutput(LogFingerprinter.FINGERPRINTED_LOGS)),
                List.of(new DeadLetterStream("log-late-dead-letters", lateLogs),
                        new DeadLetterStream("log-late-partial-dead-letters", latePartials)));
    }

    static DataStream<LogPatternWindowRow> replayFilter(SingleOutputStreamOperator<LogPatternWindowRow> rows,
            ReplayRange replay) {
        if (!replay.isSet()) {
            return rows;
        }
        return rows.filter(r -> replay.containsWindow(r.windowStartMillis, LogPatternOptions.WINDOW_MILLIS))
                .name("log-pattern-replay-range").uid("log-pattern-replay-range");
    }
}
