package org.otlpanalytics.schemas.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.OtlpDecoder;

/**
 * Kafka deserializer that decodes OTLP messages into flat records; a message that cannot be
 * decoded becomes a {@link DeadLetter} instead of an exception, so bad input never fails the job.
 *
 * <p>A record dated more than {@code maxFutureSkew} after its Kafka record timestamp (the time
 * the Collector produced it, or the broker appended it) is dead-lettered on its own, with the
 * reason {@value #FUTURE_REASON_PREFIX}…, and counted ({@value #FUTURE_RECORDS_DEAD_LETTERED}):
 * it would otherwise open buckets and timers that live until the watermark reaches its date.
 * The other records of its message go on. Records of Kafka messages without a timestamp are not
 * checked.
 */
public class DecodingDeserializer<T> implements KafkaRecordDeserializationSchema<Decoded<T>> {
    private static final long serialVersionUID = 1L;
    public static final String METRIC_GROUP = "otlpDecoder";
    public static final String MESSAGES_DECODED = "messagesDecoded";
    public static final String MESSAGES_DEAD_LETTERED = "messagesDeadLettered";
    public static final String RECORDS_DECODED = "recordsDecoded";
    public static final String FUTURE_RECORDS_DEAD_LETTERED = "futureRecordsDeadLettered";
    /** Attributes left out of decoded records past the decoder's per-record bound ({@link OtlpDecoder#attributesDropped}). */
    public static final String ATTRIBUTES_DROPPED = "attributesDropped";
    /** Reason prefix of a record dated too far after its Kafka timestamp. */
    public static final String FUTURE_REASON_PREFIX = "future: ";
    /** The default of {@code --max-future-skew}. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(10);

    private final OtlpDecoder<T> decoder;
    private final Class<T> recordClass;
    private final long maxFutureSkewMillis;
    private transient List<T> buffer;
    private transient Counter decoded;
    private transient Counter dead;
    private transient Counter records;
    private transient Counter future;
    private transient Counter attributes;

    public DecodingDeserializer(OtlpDecoder<T> decoder, Class<T> recordClass) {
        this(decoder, recordClass, DEFAULT_MAX_FUTURE_SKEW);
    }

    public DecodingDeserializer(OtlpDecoder<T> decoder, Class<T> recordClass, Duration maxFutureSkew) {
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("max future skew must not be negative, got " + maxFutureSkew);
        }
        this.decoder = decoder;
        this.recordClass = recordClass;
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        buffer = new ArrayList<>();
        MetricGroup g = context.getMetricGroup().addGroup(METRIC_GROUP);
        decoded = g.counter(MESSAGES_DECODED);
        dead = g.counter(MESSAGES_DEAD_LETTERED);
        records = g.counter(RECORDS_DECODED);
        future = g.counter(FUTURE_RECORDS_DEAD_LETTERED);
        attributes = g.counter(ATTRIBUTES_DROPPED);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) {
        if (buffer == null) {
            buffer = new ArrayList<>();
        }
        buffer.clear();
        long kafkaTimestamp = record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE || record.timestamp() < 0
                ? Decoded.NO_TIMESTAMP : record.timestamp();
        long attributesBefore = decoder.attributesDropped();
        try {
            decoder.decode(record.value(), record.partition(), record.offset(), buffer);
        } catch (DecodeException | RuntimeException e) {
            if (dead != null) {
                dead.inc();
            }
            buffer.clear();
            KafkaPayload p = new KafkaPayload(record.topic(), record.partition(), record.offset(),
                    record.timestamp(), record.key(), record.value());
            out.collect(Decoded.dead(new DeadLetter(p, reason(e))));
            return;
        }
        if (decoded != null) {
            decoded.inc();
            records.inc(buffer.size());
            attributes.inc(decoder.attributesDropped() - attributesBefore);
        }
        long latest = kafkaTimestamp == Decoded.NO_TIMESTAMP ? Long.MAX_VALUE : kafkaTimestamp + maxFutureSkewMillis;
        for (int i = 0; i < buffer.size(); i++) {
            T r = buffer.get(i);
            long eventTime = decoder.eventTimeMillis(r);
            if (eventTime > latest) {
                if (future != null) {
                    future.inc();
                }
                out.collect(Decoded.dead(futureRecord(record, i, eventTime, kafkaTimestamp)));
            } else {
                out.collect(Decoded.of(r, kafkaTimestamp));
            }
        }
        buffer.clear();
    }

    /** A dead letter for one record of a message: coordinates in the headers, a short JSON description as value. */
    DeadLetter futureRecord(ConsumerRecord<byte[], byte[]> record, int index, long eventTime, long kafkaTimestamp) {
        String reason = FUTURE_REASON_PREFIX + "record " + index + " of the message is dated " + (eventTime - kafkaTimestamp)
                + " ms after its Kafka timestamp, more than the maximum future skew of " + maxFutureSkewMillis + " ms";
        DeadLetter d = new DeadLetter(record.topic(), record.partition(), record.offset(), kafkaTimestamp, reason,
                "{\"indexInMessage\":" + index + ",\"eventTimeMillis\":" + eventTime + ",\"kafkaTimestamp\":" + kafkaTimestamp
                        + ",\"maxFutureSkewMillis\":" + maxFutureSkewMillis + "}");
        d.key = record.key();
        return d;
    }

    static String reason(Exception e) {
        if (e instanceof DecodeException) {
            return e.getMessage();
        }
        return "decoder error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    public OtlpDecoder<T> decoder() {
        return decoder;
    }

    @Override
    public TypeInformation<Decoded<T>> getProducedType() {
        return Decoded.typeInfo(recordClass);
    }
}
