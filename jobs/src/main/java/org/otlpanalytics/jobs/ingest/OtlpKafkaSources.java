package org.otlpanalytics.jobs.ingest;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.otlpanalytics.schemas.OtlpDecoder;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.kafka.DecodingDeserializer;

/**
 * Kafka sources and the dead-letter sink, built from {@link IngestOptions}: offsets from the
 * checkpoint (else committed, else earliest), or bounded by the replay range for a replay.
 */
public final class OtlpKafkaSources {
    private OtlpKafkaSources() {}

    public static <T> KafkaSource<Decoded<T>> source(IngestOptions o, String topic, OtlpDecoder<T> decoder, Class<T> cls) {
        KafkaSourceBuilder<Decoded<T>> b = KafkaSource.<Decoded<T>>builder()
                .setBootstrapServers(o.bootstrapServers())
                .setTopics(topic)
                .setGroupId(o.groupIdPrefix() + "-" + topic)
                .setDeserializer(new DecodingDeserializer<>(decoder, cls, o.maxFutureSkew()))
                .setProperty("partition.discovery.interval.ms", "30000")
                .setProperty("max.partition.fetch.bytes", "16777216");
        if (o.replay().from().isPresent()) {
            b.setStartingOffsets(OffsetsInitializer.timestamp(o.replay().readFromMillis()));
        } else {
            b.setStartingOffsets(startingOffsets(o.startingOffsets()));
        }
        if (o.replay().to().isPresent()) {
            b.setBounded(OffsetsInitializer.timestamp(o.replay().readToMillis()));
        } else if (o.bounded()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    static OffsetsInitializer startingOffsets(String s) {
        switch (s) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            case "committed-or-earliest":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case "committed-or-latest":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            default:
                throw new IllegalArgumentException("unknown starting offsets " + s);
        }
    }

    /** At-least-once: a dead letter may be written twice after a failure, never lost. */
    public static KafkaSink<DeadLetter> deadLetterSink(IngestOptions o) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(o.bootstrapServers())
                .setRecordSerializer(new DeadLetterSerializer(o.deadLetterTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
