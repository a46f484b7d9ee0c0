package org.otlpanalytics.schemas.kafka;

/** A message that could not be decoded, with the reason and where it came from. */
public class DeadLetter {
    /**
     * Longest message value a dead letter keeps. The dead-letter topic's producer and broker
     * default to 1 MB messages while the source topics may allow more (a 16 MB message, or a
     * histogram with a million buckets, is valid Kafka there): a copy that does not fit would fail
     * the job's sink and restart it on the same message forever. Longer values keep their first
     * bytes, and the original length travels in {@link #valueBytes}.
     */
    public static final int MAX_VALUE_BYTES = 512 * 1024;

    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public long timestamp;
    public String reason;
    public byte[] key;
    public byte[] value;
    /** Length of the original value when {@link #value} was cut to {@link #MAX_VALUE_BYTES}; -1 when it is whole. */
    public int valueBytes = -1;

    public DeadLetter() {}

    public DeadLetter(KafkaPayload p, String reason) {
        this.sourceTopic = p.topic;
        this.sourcePartition = p.partition;
        this.sourceOffset = p.offset;
        this.timestamp = p.timestamp;
        this.key = p.key;
        this.reason = reason;
        if (p.value != null && p.value.length > MAX_VALUE_BYTES) {
            this.value = java.util.Arrays.copyOf(p.value, MAX_VALUE_BYTES);
            this.valueBytes = p.value.length;
        } else {
            this.value = p.value;
        }
    }

    /**
     * A dead letter for a decoded record (or aggregate) that cannot be counted, typically because it
     * arrived after its window's allowed lateness: headers carry the reason and the original
     * coordinates (-1 when there is no single record), the value a short JSON description.
     */
    public DeadLetter(String sourceTopic, int sourcePartition, long sourceOffset, long timestamp, String reason,
            String jsonValue) {
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.timestamp = timestamp;
        this.reason = reason;
        this.value = jsonValue.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + sourceTopic + "-" + sourcePartition + "@" + sourceOffset + ": " + reason + "}";
    }
}
