package org.otlpanalytics.jobs.sink.rejected;

import org.otlpanalytics.operators.common.KafkaRange;

/**
 * The Kafka records behind an output row: topic, offsets per partition and event-time range
 * (from the row's {@link KafkaRange}); what a dead letter names so the raw records can be found.
 */
public final class KafkaOrigin {
    public final String topic;
    private final KafkaRange range;

    private KafkaOrigin(String topic, KafkaRange range) {
        this.topic = topic;
        this.range = range;
    }

    /** Null when the range is unknown or empty. */
    public static KafkaOrigin of(String topic, KafkaRange range) {
        if (topic == null || range == null || range.isEmpty()) {
            return null;
        }
        return new KafkaOrigin(topic, range);
    }

    /**
     * The offsets as {@code topic:partition:from-to} items joined by commas (inclusive bounds),
     * the form of the {@code --offsets} replay option.
     */
    public String offsets() {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < range.from.length; p++) {
            if (range.from[p] >= 0) {
                sb.append(sb.length() > 0 ? "," : "").append(topic).append(':').append(p).append(':')
                        .append(range.from[p]).append('-').append(range.to[p]);
            }
        }
        return sb.toString();
    }

    /** The partition when every record is in one partition, else -1. */
    public int singlePartition() {
        int found = -1;
        for (int p = 0; p < range.from.length; p++) {
            if (range.from[p] >= 0) {
                if (found >= 0) {
                    return -1;
                }
                found = p;
            }
        }
        return found;
    }

    /** The offset when the row comes from exactly one record, else -1. */
    public long singleOffset() {
        int p = singlePartition();
        return p >= 0 && range.from[p] == range.to[p] ? range.from[p] : -1;
    }

    public long timeFromMillis() {
        return range.timeFromMillis;
    }

    public long timeToMillis() {
        return range.timeToMillis;
    }
}
