package org.otlpanalytics.schemas.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What the source emits: either one decoded record or one dead letter. Decoding happens in the
 * Kafka source reader so that watermarks are generated per partition from record event times,
 * bounded by the Kafka record timestamp the record carries here.
 */
public class Decoded<T> {
    /** {@link #kafkaTimestamp} of a Kafka record without a timestamp. */
    public static final long NO_TIMESTAMP = -1L;

    public T record;
    public DeadLetter deadLetter;
    /** Timestamp of the Kafka record the value came from (ms), or {@link #NO_TIMESTAMP}. */
    public long kafkaTimestamp = NO_TIMESTAMP;

    public Decoded() {}

    public static <T> Decoded<T> of(T record) {
        return of(record, NO_TIMESTAMP);
    }

    public static <T> Decoded<T> of(T record, long kafkaTimestamp) {
        Decoded<T> d = new Decoded<>();
        d.record = record;
        d.kafkaTimestamp = kafkaTimestamp;
        return d;
    }

    public static <T> Decoded<T> dead(DeadLetter dl) {
        Decoded<T> d = new Decoded<>();
        d.deadLetter = dl;
        return d;
    }

    public boolean isDead() {
        return deadLetter != null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> TypeInformation<Decoded<T>> typeInfo(Class<T> recordClass) {
        Map<String, TypeInformation<?>> fields = new HashMap<>();
        fields.put("record", TypeInformation.of(recordClass));
        fields.put("deadLetter", TypeInformation.of(DeadLetter.class));
        fields.put("kafkaTimestamp", Types.LONG);
        return (TypeInformation) Types.POJO(Decoded.class, fields);
    }
}
