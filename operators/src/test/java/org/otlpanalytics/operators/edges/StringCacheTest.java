package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StringCacheTest {
    static String read(StringCache cache, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return cache.read(new DataInputStream(new ByteArrayInputStream(b)), b.length);
    }

    @Test
    void shouldReadEveryStringBackAndReuseTheInstanceOfARepeatedOne() throws IOException {
        StringCache cache = new StringCache();
        String first = read(cache, "urn:peer:postgresql/orders");
        assertThat(read(cache, "urn:peer:postgresql/orders")).isEqualTo("urn:peer:postgresql/orders").isSameAs(first);
        String[] strings = {"", "a", "default", "checkout", "urn:svc:default/checkout", "\u00e9\u4e2d\ud83d\ude00",
                "s".repeat(300), "Aa", "BB", "urn:peer:postgresql/orders-0", "urn:peer:postgresql/orders-1"};
        for (int round = 0; round < 3; round++) {
            for (String s : strings) {
                assertThat(read(cache, s)).isEqualTo(s);
            }
            for (int i = 0; i < 3_000; i++) { // more names than slots: collisions replace, never confuse
                assertThat(read(cache, "service-" + i)).isEqualTo("service-" + i);
            }
        }
    }

    @Test
    void shouldGiveEqualBytesTheSameSlotWhateverFollowsThemInTheBuffer() {
        Random random = new Random(11);
        for (int length = 0; length <= 40; length++) {
            byte[] a = new byte[64];
            byte[] b = new byte[64];
            random.nextBytes(a);
            random.nextBytes(b);
            System.arraycopy(a, 0, b, 0, length);
            assertThat(StringCache.slotOf(a, length)).as("length %d", length).isEqualTo(StringCache.slotOf(b, length));
        }
        // names that differ in one byte only rarely share a slot
        int shared = 0;
        byte[] base = "urn:peer:postgresql/orders-00".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 100; i++) {
            byte[] other = Arrays.copyOf(base, base.length);
            other[base.length - 2] = (byte) ('0' + i / 10);
            other[base.length - 1] = (byte) ('0' + i % 10);
            if (i > 0 && StringCache.slotOf(other, other.length) == StringCache.slotOf(base, base.length)) {
                shared++;
            }
        }
        assertThat(shared).isLessThan(5);
    }
}
