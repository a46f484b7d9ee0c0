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
    /**
     * Records one poll hands to a source reader (Kafka's default is 500). The reader queues up to
     * two polls' records beside the one it emits and the one its fetcher holds, all on the heap as
     * message bytes not yet decoded: at 500 records of ~40 KB that was up to 80 MB per reader, the
     * largest part of a loaded TaskManager's live heap (see README, Soak).
     */
    static final int MAX_POLL_RECORDS = 100;

    /**
     * Bytes one fetch asks of a partition: Kafka's default, 1 MiB (was 16 MiB: a fetch response, one
     * array, held up to 16 MiB per partition until its records were polled). A larger message is still fetched whole (a fetch returns at
     * least one batch), so the topic's own message size limit still decides what is readable.
     */
    static final int MAX_PARTITION_FETCH_BYTES = 1 << 20;

    private OtlpKafkaSources() {}

    public static <T> KafkaSource<Decoded<T>> source(IngestOptions o, String topic, OtlpDecoder<T> decoder, Class<T> cls) {
        KafkaSourceBuilder<Decoded<T>> b = KafkaSource.<Decoded<T>>builder()
                .setBootstrapServers(o.bootstrapServers())
                .setTopics(topic)
                .setGroupId(o.groupIdPrefix() + "-" + topic)
                .setDeserializer(new DecodingDeserializer<>(decoder, cls, o.maxFutureSkew()))
                .setProperty("partition.discovery.interval.ms", "30000")
                .setProperty("max.poll.records", String.valueOf(MAX_POLL_RECORDS))
                .setProperty("max.partition.fetch.bytes", String.valueOf(MAX_PARTITION_FETCH_BYTES));
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
