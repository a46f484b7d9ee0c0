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

    @Override
    public String toString() {
        return "DeadLetter{" + sourceTopic + "-" + sourcePartition + "@" + sourceOffset + ": " + reason + "}";
    }
}
