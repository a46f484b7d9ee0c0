package org.otlpanalytics.operators.edges;

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
        boolean caller = e.callerPartition >= 0;
        String json = "{\"signal\":\"edge\",\"traceId\":\"" + String.format("%016x%016x", e.traceIdHi, e.traceIdLo)
                + "\",\"callerPartition\":" + e.callerPartition + ",\"callerOffset\":" + e.callerOffset
                + ",\"calleePartition\":" + e.calleePartition + ",\"calleeOffset\":" + e.calleeOffset
                + ",\"startTimeUnixNano\":" + e.startTimeNanos + "}";
        return new DeadLetter(topic, caller ? e.callerPartition : e.calleePartition,
                caller ? e.callerOffset : e.calleeOffset, e.eventTimeMillis(),
                REASON_PREFIX + where + ": call start " + e.eventTimeMillis()
                        + " ms is behind the watermark by more than the allowed lateness", json);
    }
}
