package org.otlpanalytics.schemas.kafka;

/** A message that could not be decoded, with the reason and where it came from. */
public class DeadLetter {
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public long timestamp;
    public String reason;
    public byte[] key;
    public byte[] value;

    public DeadLetter() {}

    public DeadLetter(KafkaPayload p, String reason) {
        this.sourceTopic = p.topic;
        this.sourcePartition = p.partition;
        this.sourceOffset = p.offset;
        this.timestamp = p.timestamp;
        this.key = p.key;
        this.value = p.value;
        this.reason = reason;
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
