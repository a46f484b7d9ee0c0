package org.otlpanalytics.operators.ingest;

import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.DecodingDeserializer;

/**
 * One dead letter as {@link DeadLetterCounter} counts it: the minute of its time, the input topic,
 * the stage of the job that wrote it and what kind it is.
 */
public class DeadLetterTally {
    public static final String UNDECODABLE = "undecodable";
    public static final String FUTURE = "future";
    public static final String LATE = "late";

    public long bucketStartMillis;
    public String sourceTopic;
    /** {@code ingest} (decoding) or the pipeline that found the record late ({@code red}, {@code edges}, ...). */
    public String stage;
    /** {@link #UNDECODABLE}, {@link #FUTURE} or {@link #LATE}. */
    public String kind;

    public DeadLetterTally() {}

    /**
     * The tally of {@code d}, written by {@code stage}. Its minute is that of the dead letter's time:
     * the Kafka record timestamp for undecodable messages and future records, the record's event time
     * (a late partial aggregate: its window's start) for late records.
     */
    public static DeadLetterTally of(DeadLetter d, String stage) {
        DeadLetterTally t = new DeadLetterTally();
        t.bucketStartMillis = Math.floorDiv(d.timestamp, 60_000L) * 60_000L;
        t.sourceTopic = d.sourceTopic == null ? "" : d.sourceTopic;
        t.stage = stage;
        t.kind = kindOf(d.reason);
        return t;
    }

    static String kindOf(String reason) {
        if (reason == null) {
            return UNDECODABLE;
        }
        if (reason.startsWith("late")) {
            return LATE;
        }
        if (reason.startsWith(DecodingDeserializer.FUTURE_REASON_PREFIX)) {
            return FUTURE;
        }
        return UNDECODABLE;
    }

    /** The counter's key: one per topic, stage and kind. */
    public String key() {
        return org.otlpanalytics.operators.common.CompositeKey.of(sourceTopic, stage, kind);
    }
}
