package org.otlpanalytics.operators.metrics;

import java.nio.charset.StandardCharsets;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Turns a metric point that arrived after its minute's allowed lateness into a dead letter, as
 * {@code LateRecordDeadLetter} does for spans: headers carry the reason and the original
 * partition/offset (the message can be re-read from Kafka), the value a short JSON description.
 */
public final class MetricLateDeadLetter {
    public static final String REASON_PREFIX = "late: ";

    private MetricLateDeadLetter() {}

    public static DeadLetter of(MetricPoint p, String topic) {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = topic;
        d.sourcePartition = p.kafkaPartition;
        d.sourceOffset = p.kafkaOffset;
        d.timestamp = p.timeMillis();
        d.reason = REASON_PREFIX + "metric point time " + p.timeMillis()
                + " ms is behind the watermark by more than the allowed lateness";
        StringBuilder json = new StringBuilder("{\"signal\":\"metric\",\"resource\":");
        MetricRow.jsonString(json, p.resourceUrn);
        json.append(",\"metric\":");
        MetricRow.jsonString(json, p.name);
        json.append(",\"labelsHash\":\"").append(Long.toHexString(p.labelsHash)).append("\",\"timeUnixNano\":")
                .append(p.timeNanos).append('}');
        d.value = json.toString().getBytes(StandardCharsets.UTF_8);
        return d;
    }
}
