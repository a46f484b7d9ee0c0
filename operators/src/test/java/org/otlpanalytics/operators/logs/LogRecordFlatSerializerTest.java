package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The logs shuffle's wire form: every field comes back (nulls and maps included), records of one
 * stream share their repeated identity strings after a read, and an unknown version is refused.
 */
class LogRecordFlatSerializerTest {
    private static LogRecordFlat full() {
        LogRecordFlat r = FingerprinterHarness.log("svc", 1_772_000_000_000L, 3, 42, 0, "user ann logged in é 日本");
        r.severityNumber = 13;
        r.severityText = "warning";
        r.indexInMessage = 5;
        r.hostName = "host-1";
        r.traceIdHi = -1;
        r.traceIdLo = 2;
        r.spanId = 3;
        r.attributes = new LinkedHashMap<>(Map.of("user", "ann", "empty", ""));
        r.attributes.put("nothing", null);
        r.resourceAttributes = new LinkedHashMap<>(Map.of("service.name", "svc"));
        return r;
    }

    private static LogRecordFlat roundTrip(TypeSerializer<LogRecordFlat> s, LogRecordFlat r) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(r, out);
        return s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void everyFieldComesBack() throws Exception {
        TypeSerializer<LogRecordFlat> s = LogRecordFlatSerializer.TYPE.createSerializer(new SerializerConfigImpl());
        LogRecordFlat r = full();
        assertThat(roundTrip(s, r)).usingRecursiveComparison().isEqualTo(r);
        assertThat(s.copy(r)).usingRecursiveComparison().isEqualTo(r);
    }

    @Test
    void nullFieldsStayNull() throws Exception {
        LogRecordFlat r = new LogRecordFlat();
        r.timeNanos = 7;
        r.kafkaOffset = Long.MAX_VALUE;
        LogRecordFlat back = roundTrip(new LogRecordFlatSerializer(), r);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);
        assertThat(back.body).isNull();
        assertThat(back.attributes).isNull();
    }

    @Test
    void repeatedIdentityStringsAreSharedAndChangesAreSeen() throws Exception {
        TypeSerializer<LogRecordFlat> s = LogRecordFlatSerializer.TYPE.createSerializer(new SerializerConfigImpl());
        LogRecordFlat a = roundTrip(s, full());
        LogRecordFlat b = roundTrip(s, full());
        assertThat(b.serviceUrn).isSameAs(a.serviceUrn);
        assertThat(b.tenant).isSameAs(a.tenant);
        assertThat(b.body).isEqualTo(a.body);
        LogRecordFlat other = full();
        other.serviceUrn = other.serviceUrn + "x"; // same field, other bytes
        other.tenant = "acne"; // same length, other bytes
        LogRecordFlat c = roundTrip(s, other);
        assertThat(c.serviceUrn).isEqualTo(other.serviceUrn);
        assertThat(c.tenant).isEqualTo("acne");
        assertThat(roundTrip(s, full()).tenant).isEqualTo(a.tenant);
        assertThat(s.duplicate()).as("a fresh cache per thread").isNotSameAs(s);
    }

    @Test
    void unknownVersionIsRefused() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[] {9, 0, 0});
        assertThatThrownBy(() -> new LogRecordFlatSerializer().deserialize(in)).isInstanceOf(IOException.class)
                .hasMessageContaining("version 9");
    }
}
