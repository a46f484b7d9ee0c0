package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.traces.SpanRecord;

class CanonicalStringsTest {
    @Test
    void shouldHandOutOneInstancePerStringAndAlwaysAnEqualOne() {
        CanonicalStrings canon = new CanonicalStrings();
        String first = canon.of(new String("urn:peer:postgresql/orders".toCharArray()));
        String again = canon.of(new String("urn:peer:postgresql/orders".toCharArray()));
        assertThat(again).isSameAs(first);
        assertThat(canon.of(null)).isNull();
        String longName = "s".repeat(300);
        assertThat(canon.of(longName)).isSameAs(longName);
        // colliding hash codes and more strings than slots: still equal strings, never another's
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2_000; i++) {
                String s = "service-" + i;
                assertThat(canon.of(new String(s.toCharArray()))).isEqualTo(s);
            }
            assertThat(canon.of("Aa")).isEqualTo("Aa");
            assertThat(canon.of("BB")).isEqualTo("BB");
        }
    }

    @Test
    void shouldMakeTheMapperShipHalvesEqualToUncachedOnesWithSharedStrings() {
        PendingSpanMapper mapper = new PendingSpanMapper(EdgeStoreOptions.defaults());
        SpanRecord a = client("checkout", 1, 7).times(T0, 5).db("postgresql", "orders").build();
        SpanRecord b = client("checkout", 2, 7).times(T0 + 1, 5).db("postgresql", "orders").build();
        SpanRecord c = server("billing", 3, 2).times(T0 + 2, 5).build();
        PendingSpan pa = mapper.map(a);
        PendingSpan pb = mapper.map(b);
        PendingSpan pc = mapper.map(c);
        long ttl = EdgeStoreOptions.defaults().ttlMillis();
        assertThat(pa).isEqualTo(PendingSpan.of(a, PendingSpan.eventTimeMillis(a), ttl));
        assertThat(pb).isEqualTo(PendingSpan.of(b, PendingSpan.eventTimeMillis(b), ttl));
        assertThat(pc).isEqualTo(PendingSpan.of(c, PendingSpan.eventTimeMillis(c), ttl));
        assertThat(pb.peerUrn()).isEqualTo("urn:peer:postgresql/orders").isSameAs(pa.peerUrn());
        assertThat(pb.peerName()).isSameAs(pa.peerName());
        assertThat(pb.serviceUrn()).isSameAs(pa.serviceUrn());
    }
}
