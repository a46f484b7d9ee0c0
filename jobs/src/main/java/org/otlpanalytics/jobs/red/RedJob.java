package org.otlpanalytics.jobs.red;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.ReplayRange;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.jobs.limits.LimitOptions;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.ingest.LateRecordDeadLetter;
import org.otlpanalytics.operators.red.RedAggregator;
import org.otlpanalytics.operators.red.RedOptions;
import org.otlpanalytics.operators.red.RedPartial;
import org.otlpanalytics.operators.red.RedPreAggregator;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.operators.red.SpanAttrRow;
import org.otlpanalytics.operators.red.SpanDimensions;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * RED per service and operation from decoded spans: (tenant, service) key → 1-minute event-time
 * buckets with KLL/HLL sketches → {@code red_1m} rows. Wires only; computes nothing, and does not
 * know the store: the job attaches the sinks to {@link RedOutputs}.
 */
public final class RedJob {
    public static final String JOB = "red";
    /** Series buffered per source subtask before partials are flushed early. */
    static final int PREAGGREGATE_MAX_ENTRIES = 20_000;

    private RedJob() {}

    /** The pipeline's settings, parsed once from the job options. */
    public record Settings(RedOptions red, LimitOptions limits, String topic, ReplayRange replay) {
        public static Settings of(JobOptions o) {
            return new Settings(redOptions(o), LimitOptions.of(o), o.require(JobOptions.SPANS_TOPIC), o.replayRange());
        }
    }

    public static RedOptions redOptions(JobOptions o) {
        List<String> dims = new java.util.ArrayList<>();
        for (String key : new String[] {JobOptions.RED_DIMENSIONS, JobOptions.RED_ATTRIBUTES}) {
            String v = o.get(key);
            for (String d : (v == null ? "" : v).split(",")) {
                if (!d.isBlank()) {
                    dims.add(d.strip());
                }
            }
        }
        String builtIn = o.get(JobOptions.RED_DIMENSIONS);
        for (String d : (builtIn == null ? "" : builtIn).split(",")) {
            if (!d.isBlank() && !SpanDimensions.DEFAULTS.contains(d.strip())) {
                throw new IllegalArgumentException("--" + JobOptions.RED_DIMENSIONS + ": unknown dimension '" + d.strip()
                        + "' (known: " + String.join(",", SpanDimensions.DEFAULTS) + "; span attributes go in --"
                        + JobOptions.RED_ATTRIBUTES + ")");
            }
        }
        return RedOptions.builder()
                .allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .cardinalityLimit(o.getInt(JobOptions.CARDINALITY_LIMIT))
                .dimensions(dims)
                .slowCallThreshold(o.getDuration(JobOptions.RED_SLOW_CALL_THRESHOLD))
                .topkItems(o.getInt(JobOptions.RED_TOPK_ITEMS))
                .topkMaxValues(o.getInt(JobOptions.RED_TOPK_MAX_VALUES))
                .build();
    }

    /** Builds the RED pipeline on decoded, timestamped spans (the span ingest stage's output). */
    public static RedOutputs buildPipeline(DataStream<SpanRecord> spans, Settings s) {
        String topic = s.topic();
        RedOptions red = s.red();
        // per-source-subtask partial aggregates, chained to the source: the shuffle carries partials
        SingleOutputStreamOperator<RedPartial> partials = spans
                .transform("red-preaggregate", TypeInformation.of(RedPartial.class),
                        new RedPreAggregator(red, PREAGGREGATE_MAX_ENTRIES))
                .uid("red-preaggregate");
        // bounded tenants, and services per tenant: those with the smallest hashes are kept, the rest fold into one
        DataStream<RedPartial> limited = Limiters.red(partials, s.limits(), red.allowedLatenessMillis());
        // one key per tenant and service; 1-minute buckets per operation, kind and status
        SingleOutputStreamOperator<RedRow> rows = limited
                .keyBy(RedAggregator::serviceKey)
                .transform("red-1m", TypeInformation.of(RedRow.class), new HorizonKeyedProcessOperator<>(new RedAggregator(red)))
                .uid("red-aggregator");
        // spans later than the allowed lateness: counted, and kept in the dead-letter topic
        DataStream<DeadLetter> lateSpans = partials.getSideOutput(RedAggregator.LATE_SPANS)
                .map(sp -> LateRecordDeadLetter.ofSpan(sp, topic))
                .name("red-late-spans").uid("red-late-spans");
        DataStream<DeadLetter> latePartials = rows.getSideOutput(RedAggregator.LATE_PARTIALS)
                .map(p -> LateRecordDeadLetter.ofPartial(p, topic))
                .name("red-late-partials").uid("red-late-partials");
        DataStream<SpanAttrRow> attributes = rows.getSideOutput(RedAggregator.SPAN_ATTRS);
        if (s.replay().isSet()) {
            ReplayRange replay = s.replay();
            attributes = attributes.filter(r -> replay.containsWindow(r.bucketStartMillis, RedOptions.WINDOW_MILLIS))
                    .name("red-span-attributes-replay-range").uid("red-span-attributes-replay-range");
        }
        // a replay rewrites only the whole minutes inside [--from, --to)
        return new RedOutputs(replayFilter(rows, s.replay()), attributes, List.of(
                new DeadLetterStream("red-late-dead-letters", lateSpans),
                new DeadLetterStream("red-late-partial-dead-letters", latePartials)));
    }

    static DataStream<RedRow> replayFilter(SingleOutputStreamOperator<RedRow> rows, ReplayRange replay) {
        if (!replay.isSet()) {
            return rows;
        }
        return rows.filter(r -> replay.containsWindow(r.bucketStartMillis, RedOptions.WINDOW_MILLIS))
                .name("red-replay-range").uid("red-replay-range");
    }
}
