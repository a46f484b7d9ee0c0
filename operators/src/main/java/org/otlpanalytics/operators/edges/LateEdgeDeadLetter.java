package org.otlpanalytics.operators.edges;

import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.schemas.kafka.DeadLetter;

/**
 * Turns an edge that arrived after the allowed lateness into a dead letter: the headers carry
 * the reason and the Kafka record of the caller span (else the callee's), so the spans can be
 * re-read; the value is a short JSON description. A late partial (several calls, only after a
 * restore races the pre-aggregation) names the Kafka offset ranges of its calls. Nothing late is
 * lost silently.
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

    public static DeadLetter of(EdgePartial p, String topic, String where) {
        KafkaRange r = p.calls.range();
        StringBuilder ranges = new StringBuilder("[");
        int firstPartition = -1;
        for (int i = 0; i < r.from.length; i++) {
            if (r.from[i] < 0) {
                continue;
            }
            if (firstPartition < 0) {
                firstPartition = i;
            } else {
                ranges.append(',');
            }
            ranges.append("{\"partition\":").append(i).append(",\"from\":").append(r.from[i]).append(",\"to\":")
                    .append(r.to[i]).append('}');
        }
        ranges.append(']');
        String json = "{\"signal\":\"edges\",\"calls\":" + p.calls.calls() + ",\"firstStartMillis\":" + p.calls.firstMillis()
                + ",\"lastStartMillis\":" + p.calls.lastMillis() + ",\"ranges\":" + ranges + "}";
        return new DeadLetter(topic, firstPartition, firstPartition < 0 ? -1 : r.from[firstPartition], p.slotStartMillis,
                REASON_PREFIX + where + ": " + p.calls.calls() + " calls of slot " + p.slotStartMillis
                        + " ms behind the watermark by more than the allowed lateness", json);
    }
}
