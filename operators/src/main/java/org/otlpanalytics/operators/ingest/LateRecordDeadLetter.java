package org.otlpanalytics.operators.ingest;

import org.otlpanalytics.operators.red.RedPartial;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Turns a record that arrived after its window's allowed lateness into a dead letter: headers
 * carry the reason and the original partition/offset (so it can be re-read from Kafka), the
 * value a short JSON description. Nothing late is lost silently.
 */
public final class LateRecordDeadLetter {
    public static final String REASON_PREFIX = "late: ";

    private LateRecordDeadLetter() {}

    public static DeadLetter ofSpan(SpanRecord s, String topic) {
        return new DeadLetter(topic, s.kafkaPartition, s.kafkaOffset, s.startMillis(),
                REASON_PREFIX + "span start " + s.startMillis() + " ms is behind the watermark by more than the allowed lateness",
                "{\"signal\":\"span\",\"traceId\":\"" + s.traceIdHex() + "\",\"spanId\":\""
                        + String.format("%016x", s.spanId) + "\",\"startTimeUnixNano\":" + s.startTimeNanos + "}");
    }

    /** A whole partial aggregate that arrived late (its spans' offsets are in its Kafka range). */
    public static DeadLetter ofPartial(RedPartial p, String topic) {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = topic;
        d.sourcePartition = -1;
        d.sourceOffset = -1;
        d.timestamp = p.bucketStartMillis;
        d.reason = REASON_PREFIX + "partial RED aggregate of minute " + p.bucketStartMillis + " for " + p.serviceUrn
                + " arrived after the allowed lateness";
        d.value = p.state;
        return d;
    }
}
