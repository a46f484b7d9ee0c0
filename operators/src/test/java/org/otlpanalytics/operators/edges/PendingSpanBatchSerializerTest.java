package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.consumer;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PendingSpanBatchSerializerTest {
    private static final long TTL = 10_000L;

    private static PendingSpan half(TestSpans s, long ttl) {
        var span = s.build();
        return PendingSpan.of(span, PendingSpan.eventTimeMillis(span), ttl);
    }

    /** Halves with every field varied: kinds, statuses, peers or none, hostile and long strings, negative numbers. */
    private static List<PendingSpan> varied(long seed, int n) {
        Random r = new Random(seed);
        String[] services = {"frontend", "cart", "checkout", "\u00e9\u4e2d\ud83d\ude00 ' \" $$", "s".repeat(300)};
        List<PendingSpan> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String service = services[r.nextInt(services.length)];
            TestSpans s = switch (r.nextInt(4)) {
                case 0 -> client(service, r.nextLong(), r.nextLong()).db("postgresql", "db-" + r.nextInt(3));
                case 1 -> server(service, r.nextLong(), r.nextLong());
                case 2 -> consumer(service, r.nextLong(), 0).kafka(-1, -1);
                default -> client(service, r.nextLong(), r.nextLong()).serverAddress("10.0.0." + r.nextInt(300));
            };
            s.trace(r.nextLong(), r.nextLong()).times(T0 - 5_000 + r.nextInt(10_000), r.nextInt(2_000));
            if (r.nextBoolean()) {
                s.error();
            }
            if (r.nextInt(5) == 0) {
                s.tenant("tenant-" + r.nextInt(3));
            }
            if (r.nextInt(3) == 0) {
                s.kafka(r.nextInt(64), r.nextLong() >>> 1);
            }
            out.add(half(s, r.nextInt(10) == 0 ? 0 : TTL));
        }
        return out;
    }

    @Test
    void shouldRoundTripBatchesThroughOneSerializerWithTheirStringsWrittenOnce() throws IOException {
        TypeSerializer<PendingSpanBatch> s = PendingSpanBatchSerializer.TYPE.createSerializer(null);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        List<PendingSpanBatch> batches = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            PendingSpanBatch b = new PendingSpanBatch(varied(i, 1 + i * 7).toArray(new PendingSpan[0]));
            batches.add(b);
            s.serialize(b, out);
        }
        // read by another instance, as the receiving thread's duplicate does
        TypeSerializer<PendingSpanBatch> reader = s.duplicate();
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (PendingSpanBatch b : batches) {
            PendingSpanBatch back = reader.deserialize(in);
            assertThat(back).isEqualTo(b);
            for (int i = 0; i < b.size(); i++) {
                assertThat(back.get(i).deadlineMillis()).isEqualTo(b.get(i).deadlineMillis());
                assertThat(back.get(i).peerUrn()).isEqualTo(b.get(i).peerUrn());
            }
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void shouldShipAHalfInLessThanHalfTheBytesOfTheStateForm() throws IOException {
        List<PendingSpan> halves = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            halves.add(half(client("checkout", 0x1000L + i, 0x99).trace(i, i).times(T0 + i, 12).kafka(3, 1_000_000 + i)
                    .db("postgresql", "orders"), TTL));
        }
        DataOutputSerializer batch = new DataOutputSerializer(1024);
        PendingSpanBatchSerializer.TYPE.createSerializer(null).serialize(new PendingSpanBatch(halves.toArray(new PendingSpan[0])), batch);
        DataOutputSerializer single = new DataOutputSerializer(1024);
        for (PendingSpan p : halves) {
            PendingSpanSerializer.write(p, single);
        }
        assertThat(batch.length()).isLessThan(single.length() / 2);
    }

    @Test
    void shouldRefuseUnknownVersionAndCorruptReferences() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        PendingSpanBatchSerializer.TYPE.createSerializer(null).serialize(PendingSpanBatch.of(half(server("a", 1, 2), TTL)), out);
        byte[] b = out.getCopyOfBuffer();
        byte[] badVersion = b.clone();
        badVersion[0] = 9;
        assertThatThrownBy(() -> PendingSpanBatchSerializer.TYPE.createSerializer(null).deserialize(new DataInputDeserializer(badVersion)))
                .isInstanceOf(IOException.class).hasMessageContaining("version 9");
        byte[] badRef = b.clone();
        badRef[2 + 33] = 7; // the tenant's reference: string number 5 of none
        assertThatThrownBy(() -> PendingSpanBatchSerializer.TYPE.createSerializer(null).deserialize(new DataInputDeserializer(badRef)))
                .isInstanceOf(IOException.class).hasMessageContaining("string ref 5 of 0");
    }

    @Test
    void shouldCopyAsFlinkTypeSerializer() throws IOException {
        TypeSerializer<PendingSpanBatch> s = PendingSpanBatchSerializer.TYPE.createSerializer(null);
        PendingSpanBatch b = new PendingSpanBatch(varied(42, 30).toArray(new PendingSpan[0]));
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(b, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(s.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer()))).isEqualTo(b);
        assertThat(s.copy(b)).isSameAs(b);
        assertThat(s.snapshotConfiguration().restoreSerializer()).isEqualTo(s);
    }
}
