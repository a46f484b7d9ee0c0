package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The fingerprinter's state serializers: version 2 keeps every field (a record kept whole comes
 * back equal, maps included), and state written in version 1 (the layout as released, written here
 * field by field) is still read.
 */
class LogStateSerializersTest {
    @Test
    void bufferedLogKeptWholeComesBackWithEveryField() throws Exception {
        LogRecordFlat r = FingerprinterHarness.log("svc", 1_772_000_000_000L, 3, 42, 0, "user ann logged in");
        r.severityText = "warning";
        r.indexInMessage = 5;
        r.hostName = "host-1";
        r.traceIdHi = -1;
        r.traceIdLo = 2;
        r.spanId = 3;
        r.attributes = new LinkedHashMap<>(Map.of("user", "ann", "empty", ""));
        r.resourceAttributes = new LinkedHashMap<>(Map.of("service.name", "svc"));
        BufferedLog b = BufferedLog.of(r, true);
        BufferedLog back = roundTrip(b);
        assertThat(back).isEqualTo(b);
        assertThat(back.toRecord(new LogStreamInfo(r.tenant, r.serviceName, r.serviceNamespace, r.serviceUrn)))
                .usingRecursiveComparison().isEqualTo(r);
        assertThat(back.severityRank()).as("a text alone ranks as its level").isEqualTo(13);

        BufferedLog slim = roundTrip(BufferedLog.of(r, false));
        assertThat(slim.full()).isFalse();
        assertThat(slim.attributes()).isNull();
        assertThat(slim.hostName()).isNull();
        assertThat(slim.indexInMessage()).isEqualTo(5);
    }

    @Test
    void bufferedLogOfVersion1IsRead() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);
        out.writeLong(1_772_000_000_123_000_000L);
        out.writeInt(2);
        out.writeLong(77);
        out.writeByte(17);
        out.writeBoolean(true);
        out.writeBoolean(true);
        out.writeUTF("ERROR");
        byte[] body = "disk full".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(body.length);
        out.write(body);
        BufferedLog b = new BufferedLogSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(b).isEqualTo(new BufferedLog(1_772_000_000_123_000_000L, 2, 77, 17, "ERROR", true, "disk full"));
        assertThat(b.indexInMessage()).isZero();
        assertThat(b.full()).isFalse();
    }

    @Test
    void streamInfoOfVersion1IsReadAndVersion2KeepsEverything() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);
        for (String s : new String[] {"acme", "svc", "shop", "urn:svc:shop/svc"}) {
            out.writeBoolean(true);
            out.writeUTF(s);
        }
        out.writeInt(2);
        out.writeLong(1_000);
        out.writeInt(3);
        out.writeLong(2_000);
        out.writeInt(4);
        LogStreamInfoSerializer ser = new LogStreamInfoSerializer();
        LogStreamInfo v1 = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(v1.serviceUrn()).isEqualTo("urn:svc:shop/svc");
        assertThat(v1.pending.keySet()).containsExactly(1_000L, 2_000L);
        assertThat(v1.pendingRecords()).isEqualTo(7);
        assertThat(v1.lastActivityMillis).isEqualTo(Long.MIN_VALUE);

        LogStreamInfo s = new LogStreamInfo("acme", "svc", "shop", "urn:svc:shop/svc", new TreeMap<>(), new TreeMap<>());
        LogStreamInfo.PendingSecond p = new LogStreamInfo.PendingSecond();
        p.admit(0, 1);
        p.admit(1, 1);
        p.admit(0, 1);
        p.overCap(new BufferedLog(5_000_000L, 0, 9, 17, "ERROR", true, "x"), 64);
        s.pending.put(3_000L, p);
        s.addLate(9_999L);
        s.lastActivityMillis = 2_999;
        s.expiryTimerMillis = 3_602_999;
        DataOutputSerializer o2 = new DataOutputSerializer(64);
        ser.serialize(s, o2);
        LogStreamInfo back = ser.deserialize(new DataInputDeserializer(o2.getCopyOfBuffer()));
        DataOutputSerializer o3 = new DataOutputSerializer(64);
        ser.serialize(back, o3);
        assertThat(o3.getCopyOfBuffer()).isEqualTo(o2.getCopyOfBuffer());
        assertThat(back.pending.get(3_000L).records).isEqualTo(2);
        assertThat(back.pending.get(3_000L).overCapErrors).isEqualTo(1);
        assertThat(back.late).containsEntry(9_999L, 1);
        assertThat(back.expiryTimerMillis).isEqualTo(3_602_999);
    }

    private static BufferedLog roundTrip(BufferedLog b) throws Exception {
        BufferedLogSerializer ser = new BufferedLogSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        ser.serialize(b, out);
        return ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
