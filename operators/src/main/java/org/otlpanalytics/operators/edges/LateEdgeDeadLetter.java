package org.otlpanalytics.operators.edges;

import java.nio.charset.StandardCharsets;
import org.otlpanalytics.schemas.kafka.DeadLetter;

/**
 * Turns an edge that arrived after its window's allowed lateness into a dead letter: the headers
 * carry the reason and the Kafka record of the caller span (else the callee's), so the spans can
 * be re-read; the value is a short JSON description. Nothing late is lost silently.
 */
public final class LateEdgeDeadLetter {
    public static final String REASON_PREFIX = "late edge: ";

    private LateEdgeDeadLetter() {}

    public static DeadLetter of(Edge e, String topic, String where) {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = topic;
        boolean caller = e.callerPartition >= 0;
        d.sourcePartition = caller ? e.callerPartition : e.calleePartition;
        d.sourceOffset = caller ? e.callerOffset : e.calleeOffset;
        d.timestamp = e.eventTimeMillis();
        d.reason = REASON_PREFIX + where + ": call start " + e.eventTimeMillis()
                + " ms is behind the watermark by more than the allowed lateness";
        String json = "{\"signal\":\"edge\",\"traceId\":\"" + String.format("%016x%016x", e.traceIdHi, e.traceIdLo)
                + "\",\"callerPartition\":" + e.callerPartition + ",\"callerOffset\":" + e.callerOffset
                + ",\"calleePartition\":" + e.calleePartition + ",\"calleeOffset\":" + e.calleeOffset
                + ",\"startTimeUnixNano\":" + e.startTimeNanos + "}";
        d.value = json.getBytes(StandardCharsets.UTF_8);
        return d;
    }
}
