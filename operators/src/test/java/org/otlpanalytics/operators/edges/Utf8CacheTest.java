package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class Utf8CacheTest {
    @Test
    void shouldGiveTheSameBytesAsEncodingForEqualAndCollidingStrings() {
        Utf8Cache cache = new Utf8Cache();
        String[] strings = {"checkout", "urn:svc:default/checkout", "\u00e9\u4e2d\ud83d\ude00", "", "s".repeat(300),
                new String("checkout".toCharArray()), "Aa", "BB" /* same hash code as "Aa" */};
        for (int round = 0; round < 3; round++) {
            for (String s : strings) {
                assertThat(cache.encode(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        for (int i = 0; i < 2_000; i++) {
            String s = "service-" + i;
            assertThat(cache.encode(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldMakeTheShuffleWriteTheStateLayoutByteForByte() throws IOException {
        TypeSerializer<PendingSpan> wire = PendingSpanSerializer.TYPE.createSerializer(null);
        for (int i = 0; i < 50; i++) {
            PendingSpan p = PendingSpan.of(client("checkout-" + (i % 3), i + 1, 7).times(T0, 5)
                    .db("postgresql", "orders-" + (i % 2)).build(), T0 + 5, 10_000);
            DataOutputSerializer viaWire = new DataOutputSerializer(64);
            wire.serialize(p, viaWire);
            DataOutputSerializer viaState = new DataOutputSerializer(64);
            PendingSpanSerializer.INSTANCE.serialize(p, viaState);
            assertThat(viaWire.getCopyOfBuffer()).isEqualTo(viaState.getCopyOfBuffer());
        }
    }
}
