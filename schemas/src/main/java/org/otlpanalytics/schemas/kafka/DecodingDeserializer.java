package org.otlpanalytics.schemas.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.OtlpDecoder;

/**
 * Kafka deserializer that decodes OTLP messages into flat records; a message that cannot be
 * decoded becomes a {@link DeadLetter} instead of an exception, so bad input never fails the job.
 */
public class DecodingDeserializer<T> implements KafkaRecordDeserializationSchema<Decoded<T>> {
    private static final long serialVersionUID = 1L;
    public static final String METRIC_GROUP = "otlpDecoder";
    public static final String MESSAGES_DECODED = "messagesDecoded";
    public static final String MESSAGES_DEAD_LETTERED = "messagesDeadLettered";
    public static final String RECORDS_DECODED = "recordsDecoded";

    private final OtlpDecoder<T> decoder;
    private final Class<T> recordClass;
    private transient List<T> buffer;
    private transient Counter decoded;
    private transient Counter dead;
    private transient Counter records;

    public DecodingDeserializer(OtlpDecoder<T> decoder, Class<T> recordClass) {
        this.decoder = decoder;
        this.recordClass = recordClass;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        buffer = new ArrayList<>();
        MetricGroup g = context.getMetricGroup().addGroup(METRIC_GROUP);
        decoded = g.counter(MESSAGES_DECODED);
        dead = g.counter(MESSAGES_DEAD_LETTERED);
        records = g.counter(RECORDS_DECODED);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) {
        if (buffer == null) {
            buffer = new ArrayList<>();
        }
        buffer.clear();
        KafkaPayload p = new KafkaPayload(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value());
        try {
            decoder.decode(record.value(), record.partition(), record.offset(), buffer);
        } catch (DecodeException | RuntimeException e) {
            if (dead != null) {
                dead.inc();
            }
            buffer.clear();
            out.collect(Decoded.dead(new DeadLetter(p, reason(e))));
            return;
        }
        if (decoded != null) {
            decoded.inc();
            records.inc(buffer.size());
        }
        for (int i = 0; i < buffer.size(); i++) {
            out.collect(Decoded.of(buffer.get(i)));
        }
        buffer.clear();
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
