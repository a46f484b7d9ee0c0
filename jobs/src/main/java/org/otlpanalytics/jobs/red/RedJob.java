package org.otlpanalytics.jobs.red;

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
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.ingest.LateRecordDeadLetter;
import org.otlpanalytics.operators.red.RedAggregator;
import org.otlpanalytics.operators.red.RedOptions;
import org.otlpanalytics.operators.red.RedPartial;
import org.otlpanalytics.operators.red.RedPreAggregator;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * RED per service and operation from {@code otlp_spans}: decode → (tenant, service) key →
 * 1-minute event-time buckets with KLL/HLL sketches → sink. Wires only; computes nothing.
 */
public final class RedJob {
    /** Series buffered per source subtask before partials are flushed early. */
    static final int PREAGGREGATE_MAX_ENTRIES = 20_000;

    private RedJob() {}

    public static RedOptions redOptions(JobOptions o) {
        return RedOptions.builder()
                .allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .cardinalityLimit(o.getInt(JobOptions.CARDINALITY_LIMIT))
                .build();
    }

    /**
     * Builds the RED pipeline; {@code tap} (may be null) sees every span after decoding, which
     * tests use to inject a failure.
     */
    public static SingleOutputStreamOperator<RedRow> buildPipeline(StreamExecutionEnvironment env,
            Source<Decoded<SpanRecord>, ?, ?> source, JobOptions o, Sink<DeadLetter> deadLetters,
            Sink<RedRow> sink, MapFunction<SpanRecord, SpanRecord> tap) {
        String topic = o.require(JobOptions.SPANS_TOPIC);
        // read, decode, dead-letter, watermark
        DataStream<SpanRecord> spans = IngestStage.build(env, source, new SpanDecoder(o.encoding()),
                SpanRecord.class, "spans", o, deadLetters);
        if (tap != null) {
            spans = spans.map(tap).name("spans-tap").uid("spans-tap");
        }
        RedOptions red = redOptions(o);
        // per-source-subtask partial aggregates, chained to the source: the shuffle carries partials
        SingleOutputStreamOperator<RedPartial> partials = spans
                .transform("red-preaggregate", TypeInformation.of(RedPartial.class),
                        new RedPreAggregator(red, PREAGGREGATE_MAX_ENTRIES))
                .uid("red-preaggregate");
        // one key per tenant and service; 1-minute buckets per operation, kind and status
        SingleOutputStreamOperator<RedRow> rows = partials
                .keyBy(RedAggregator::serviceKey)
                .transform("red-1m", TypeInformation.of(RedRow.class), new HorizonKeyedProcessOperator<>(new RedAggregator(red)))
                .uid("red-aggregator");
        // spans later than the allowed lateness: counted, and kept in the dead-letter topic
        partials.getSideOutput(RedAggregator.LATE_SPANS)
                .map(s -> LateRecordDeadLetter.ofSpan(s, topic))
                .name("red-late-spans").uid("red-late-spans")
                .sinkTo(deadLetters).name("red-late-dead-letters").uid("red-late-dead-letters");
        rows.getSideOutput(RedAggregator.LATE_PARTIALS)
                .map(p -> LateRecordDeadLetter.ofPartial(p, topic))
                .name("red-late-partials").uid("red-late-partials")
                .sinkTo(deadLetters).name("red-late-partial-dead-letters").uid("red-late-partial-dead-letters");
        // a replay rewrites only the whole minutes inside [--from, --to)
        SingleOutputStreamOperator<RedRow> out = replayFilter(rows, o);
        out.sinkTo(sink).name("red-1m-sink").uid("red-1m-sink");
        return out;
    }

    static SingleOutputStreamOperator<RedRow> replayFilter(SingleOutputStreamOperator<RedRow> rows, JobOptions o) {
        Instant from = o.getInstant(JobOptions.FROM);
        Instant to = o.getInstant(JobOptions.TO);
        if (from == null && to == null) {
            return rows;
        }
        long f = from == null ? Long.MIN_VALUE : from.toEpochMilli();
        long t = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        return rows.filter(r -> r.bucketStartMillis >= f && r.bucketStartMillis + RedOptions.WINDOW_MILLIS <= t)
                .name("red-replay-range").uid("red-replay-range");
    }
}
