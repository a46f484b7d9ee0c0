package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.consumer;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PendingSpanSerializerTest {
    private static final long TTL = 10_000L;

    @Test
    void shouldRoundTripEveryField() throws IOException {
        PendingSpan p = PendingSpan.of(client("checkout", 0xFEDCBA9876543210L, 0x0123456789ABCDEFL)
                .trace(-1L, Long.MIN_VALUE).times(T0, 42).error().kafka(11, 123_456_789_012L)
                .db("postgresql", "orders").build(), T0 + 42, TTL);

        PendingSpan back = roundTrip(p);

        assertThat(back).isEqualTo(p);
        assertThat(back.traceIdHi()).isEqualTo(-1L);
        assertThat(back.traceIdLo()).isEqualTo(Long.MIN_VALUE);
        assertThat(back.kind()).isEqualTo(p.kind());
        assertThat(back.isError()).isTrue();
        assertThat(back.connectionType()).isEqualTo(ConnectionType.DATABASE);
        assertThat(back.peerUrn()).isEqualTo("urn:peer:postgresql/orders");
        assertThat(back.deadlineMillis()).isEqualTo(T0 + 42 + TTL);
        assertThat(back.kafkaOffset()).isEqualTo(123_456_789_012L);
    }

    @Test
    void shouldRoundTripMissingPeerAndNegativeNumbers() throws IOException {
        PendingSpan p = PendingSpan.of(consumer("billing", 0x2, 0x1).kafka(-1, -1).times(T0, 0).build(), T0, TTL);
        assertThat(p.hasPeer()).isFalse();

        PendingSpan back = roundTrip(p);

        assertThat(back).isEqualTo(p);
        assertThat(back.peerName()).isNull();
        assertThat(back.kafkaPartition()).isEqualTo(-1);
        assertThat(back.connectionType()).isEqualTo(ConnectionType.MESSAGING);
    }

    @Test
    void shouldRoundTripHostileAndLongStrings() throws IOException {
        String evil = "\u00e9\u4e2d\ud83d\ude00 ' \" $$ } MATCH (n) DETACH DELETE n";
        String huge = "s".repeat(70_000); // beyond writeUTF's 65535-byte limit
        PendingSpan p = PendingSpan.of(client(evil, 0xA, 1).tenant(huge).peerService(evil).build(), T0, TTL);

        PendingSpan back = roundTrip(p);

        assertThat(back.serviceName()).isEqualTo(evil);
        assertThat(back.tenant()).isEqualTo(huge);
        assertThat(back.peerName()).isEqualTo(evil);
    }

    @Test
    void shouldStayCompact() throws IOException {
        PendingSpan p = PendingSpan.of(client("checkout", 0x1234, 0x99).times(T0, 12).kafka(3, 1_000_000)
                .db("postgresql", "orders").build(), T0 + 12, TTL);

        assertThat(bytes(p).length).isLessThan(150);
    }

    @Test
    void shouldRefuseUnknownVersion() throws IOException {
        byte[] b = bytes(PendingSpan.of(server("a", 1, 2).build(), T0, TTL));
        b[0] = 9;

        assertThatThrownBy(() -> PendingSpanSerializer.read(new DataInputStream(new ByteArrayInputStream(b))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 9");
    }

    @Test
    void shouldWorkAsFlinkTypeSerializer() throws IOException {
        PendingSpan p = PendingSpan.of(client("checkout", 0xA, 1).serverAddress("10.1.2.3").build(), T0, TTL);
        TypeSerializer<PendingSpan> s = PendingSpanSerializer.INSTANCE.duplicate();
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(p, out);
        s.serialize(p, out);

        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        s.copy(in, copied);

        assertThat(s.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer()))).isEqualTo(p);
        assertThat(s.deserialize(in)).isEqualTo(p);
        assertThat(s.copy(p)).isSameAs(p);
        assertThat(s.isImmutableType()).isTrue();
    }

    /**
     * State written by version 1 of this project (bytes committed under
     * {@code src/test/resources/edges/}, made with the code of commit 5274156): the half and the
     * serializer snapshot are read back and checked against values written out here by hand,
     * not against what today's writer produces, so a layout change without a new version fails.
     */
    @Test
    void shouldReadHalvesAndSerializerSnapshotsWrittenByVersionOne() throws IOException {
        byte[] half = resource("pending-span-v1.bin");
        byte[] snapshot = resource("pending-span-serializer-snapshot-v1.bin");

        TypeSerializerSnapshot<PendingSpan> old = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshot), getClass().getClassLoader());
        TypeSerializerSchemaCompatibility<PendingSpan> compat =
                PendingSpanSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(compat.isCompatibleAsIs()).isTrue();
        PendingSpan p = old.restoreSerializer().deserialize(new DataInputDeserializer(half));

        assertThat(p.traceIdHi()).isEqualTo(0x5b8efff798038103L);
        assertThat(p.traceIdLo()).isEqualTo(0xd269b633813fc60cL);
        assertThat(p.spanId()).isEqualTo(0xFEDCBA9876543210L);
        assertThat(p.parentSpanId()).isEqualTo(0x0123456789ABCDEFL);
        assertThat(p.isCaller()).isTrue();
        assertThat(p.isError()).isTrue();
        assertThat(p.connectionType()).isEqualTo(ConnectionType.DATABASE);
        assertThat(p.tenant()).isEqualTo("acme");
        assertThat(p.serviceName()).isEqualTo("checkout");
        assertThat(p.serviceUrn()).isEqualTo("urn:svc:shop/checkout");
        assertThat(p.startTimeNanos()).isEqualTo(1_700_000_000_000L * 1_000_000L);
        assertThat(p.durationNanos()).isEqualTo(42_000_000L);
        assertThat(p.kafkaPartition()).isEqualTo(11);
        assertThat(p.kafkaOffset()).isEqualTo(123_456_789_012L);
        assertThat(p.deadlineMillis()).isEqualTo(1_700_000_010_042L);
        assertThat(p.peerName()).isEqualTo("postgresql");
        assertThat(p.peerUrn()).isEqualTo("urn:peer:postgresql/orders");
        assertThat(bytes(p)).as("today's writer keeps the version-1 layout").isEqualTo(half);
        assertThat(PendingSpanSerializer.TYPE.createSerializer(null).deserialize(new DataInputDeserializer(half)))
                .as("the shuffle's serializer reads the same layout").isEqualTo(p);
    }

    private static byte[] resource(String name) throws IOException {
        try (var in = PendingSpanSerializerTest.class.getResourceAsStream("/edges/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static PendingSpan roundTrip(PendingSpan p) throws IOException {
        return PendingSpanSerializer.read(new DataInputStream(new ByteArrayInputStream(bytes(p))));
    }

    private static byte[] bytes(PendingSpan p) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        PendingSpanSerializer.write(p, new DataOutputStream(bos));
        return bos.toByteArray();
    }
}
