package org.otlpanalytics.schemas.kafka;

import java.util.Objects;

/**
 * One Kafka message as read, before decoding: the raw value plus the coordinates that
 * let a dead letter or an aggregate point back to it.
 */
public class KafkaPayload {
    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp (ms). */
    public long timestamp;
    public byte[] key;
    public byte[] value;

    public KafkaPayload() {}

    public KafkaPayload(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " (" + (value == null ? 0 : value.length) + " bytes)";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KafkaPayload)) {
            return false;
        }
        KafkaPayload p = (KafkaPayload) o;
        return partition == p.partition && offset == p.offset && Objects.equals(topic, p.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }
}
