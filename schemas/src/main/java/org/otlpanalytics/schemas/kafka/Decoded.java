package org.otlpanalytics.schemas.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What the source emits: either one decoded record or one dead letter. Decoding happens in the
 * Kafka source reader so that watermarks are generated per partition from record event times.
 */
public class Decoded<T> {
    public T record;
    public DeadLetter deadLetter;

    public Decoded() {}

    public static <T> Decoded<T> of(T record) {
        Decoded<T> d = new Decoded<>();
        d.record = record;
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
        return (TypeInformation) Types.POJO(Decoded.class, fields);
    }
}
