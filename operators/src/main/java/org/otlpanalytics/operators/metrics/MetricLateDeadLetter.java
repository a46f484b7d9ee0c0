package org.otlpanalytics.operators.metrics;

import org.otlpanalytics.schemas.JsonText;
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
        StringBuilder json = new StringBuilder("{\"signal\":\"metric\",\"resource\":");
        JsonText.appendQuoted(json, p.resourceUrn);
        json.append(",\"metric\":");
        JsonText.appendQuoted(json, p.name);
        json.append(",\"labelsHash\":\"").append(Long.toHexString(p.labelsHash)).append("\",\"timeUnixNano\":")
                .append(p.timeNanos).append('}');
        return new DeadLetter(topic, p.kafkaPartition, p.kafkaOffset, p.timeMillis(), REASON_PREFIX + "metric point time "
                + p.timeMillis() + " ms is behind the watermark by more than the allowed lateness", json.toString());
    }
}
