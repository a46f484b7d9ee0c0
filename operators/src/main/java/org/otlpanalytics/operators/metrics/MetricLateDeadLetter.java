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

    /**
     * A pre-aggregated minute that reached the minute aggregator after the allowed lateness (only
     * possible around restores and rescaling): the headers point at the first Kafka record behind
     * it, the value names the series, minute, point count and the whole Kafka range.
     */
    public static DeadLetter ofPartial(MetricPartial q, String topic) {
        MetricAccumulator a = q.accumulator;
        StringBuilder json = new StringBuilder("{\"signal\":\"metric\",\"resource\":");
        JsonText.appendQuoted(json, a.resourceUrn);
        json.append(",\"metric\":");
        JsonText.appendQuoted(json, a.metric);
        json.append(",\"labelsHash\":\"").append(Long.toHexString(a.labelsHash)).append("\",\"minuteStartMillis\":")
                .append(q.minuteStartMillis).append(",\"points\":").append(a.points())
                .append(",\"offsetFromByPartition\":").append(java.util.Arrays.toString(a.range.from))
                .append(",\"offsetToByPartition\":").append(java.util.Arrays.toString(a.range.to)).append('}');
        int partition = 0;
        long offset = -1;
        for (int i = 0; i < a.range.from.length; i++) {
            if (a.range.from[i] >= 0) {
                partition = i;
                offset = a.range.from[i];
                break;
            }
        }
        return new DeadLetter(topic, partition, offset, q.minuteStartMillis, REASON_PREFIX + "metric minute "
                + q.minuteStartMillis + " ms is behind the watermark by more than the allowed lateness", json.toString());
    }
}
