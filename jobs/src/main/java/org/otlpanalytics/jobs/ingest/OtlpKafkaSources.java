package org.otlpanalytics.jobs.ingest;

import java.time.Duration;
import java.time.Instant;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.schemas.OtlpDecoder;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.kafka.DecodingDeserializer;

/**
 * Kafka sources and the dead-letter sink, built from {@link JobOptions}: offsets from the
 * checkpoint (else committed, else earliest), or bounded by {@code --from/--to} for a replay.
 */
public final class OtlpKafkaSources {
    /** Extra read on each side of a replay range, so the edge windows see all their late records. */
    public static final String REPLAY_MARGIN = "replay-margin";

    private OtlpKafkaSources() {}

    public static <T> KafkaSource<Decoded<T>> source(JobOptions o, String topic, OtlpDecoder<T> decoder, Class<T> cls) {
        KafkaSourceBuilder<Decoded<T>> b = KafkaSource.<Decoded<T>>builder()
                .setBootstrapServers(o.require(JobOptions.BOOTSTRAP))
                .setTopics(topic)
                .setGroupId(o.require(JobOptions.GROUP_ID) + "-" + topic)
                .setDeserializer(new DecodingDeserializer<>(decoder, cls))
                .setProperty("partition.discovery.interval.ms", "30000")
                .setProperty("max.partition.fetch.bytes", "16777216");
        Instant from = o.getInstant(JobOptions.FROM);
        Instant to = o.getInstant(JobOptions.TO);
        Duration margin = replayMargin(o);
        if (from != null) {
            b.setStartingOffsets(OffsetsInitializer.timestamp(from.minus(margin).toEpochMilli()));
        } else {
            b.setStartingOffsets(startingOffsets(o.require(JobOptions.STARTING_OFFSETS)));
        }
        if (to != null) {
            b.setBounded(OffsetsInitializer.timestamp(to.plus(margin).toEpochMilli()));
        } else if (o.getBool(JobOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    static Duration replayMargin(JobOptions o) {
        return o.getDuration(JobOptions.OUT_OF_ORDERNESS).plus(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .plus(Duration.ofMinutes(1));
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
                throw new IllegalArgumentException("--" + JobOptions.STARTING_OFFSETS
                        + " must be earliest, latest, committed-or-earliest or committed-or-latest; got " + s);
        }
    }

    /** At-least-once: a dead letter may be written twice after a failure, never lost. */
    public static KafkaSink<DeadLetter> deadLetterSink(JobOptions o) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(o.require(JobOptions.BOOTSTRAP))
                .setRecordSerializer(new DeadLetterSerializer(o.require(JobOptions.DEAD_LETTER_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
