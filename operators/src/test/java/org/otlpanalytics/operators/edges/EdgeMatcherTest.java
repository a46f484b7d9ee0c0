package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.consumer;
import static org.otlpanalytics.operators.edges.TestSpans.producer;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-time rule that keeps pairing independent of arrival order. */
class EdgeMatcherTest {
    private static final long TTL = 10_000L;

    private static PendingSpan half(TestSpans s) {
        return PendingSpan.of(s.build(), PendingSpan.eventTimeMillis(s.build()), TTL);
    }

    @Test
    void shouldLetHalvesPairWhenEachStartsBeforeTheOthersDeadline() {
        PendingSpan p = half(producer("checkout", 0xC1, 1).times(T0, 2).messaging("kafka", "orders"));
        PendingSpan c = half(consumer("shipping", 0xC2, 0xC1).times(T0 + 2 + TTL - 1, 5).messaging("kafka", "orders"));
        assertThat(EdgeMatcher.staleOf(p, c)).isNull();
        assertThat(EdgeMatcher.staleOf(c, p)).isNull();
    }

    @Test
    void shouldExpireTheHalfWithTheEarlierDeadlineWhenTooFarApart() {
        PendingSpan p = half(producer("checkout", 0xC1, 1).times(T0, 2).messaging("kafka", "orders"));
        PendingSpan c = half(consumer("shipping", 0xC2, 0xC1).times(T0 + 2 + TTL, 5).messaging("kafka", "orders"));
        assertThat(EdgeMatcher.staleOf(p, c)).isSameAs(p);
        assertThat(EdgeMatcher.staleOf(c, p)).isSameAs(p);
    }

    @Test
    void shouldGiveTheStoreTheSameEdgesInBothArrivalOrders() {
        for (boolean producerFirst : new boolean[] {true, false}) {
            EdgeStore store = new EdgeStore(EdgeStoreOptions.defaults());
            TestSpans p = producer("checkout", 0xC1, 1).times(T0, 2).messaging("kafka", "orders");
            TestSpans c = consumer("shipping", 0xC2, 0xC1).times(T0 + 30_000, 5).messaging("kafka", "orders");
            OfferResult first = store.offer((producerFirst ? p : c).build());
            OfferResult second = store.offer((producerFirst ? c : p).build());
            assertThat(first.outcome()).isEqualTo(OfferResult.Outcome.PENDING);
            assertThat(second.outcome()).isEqualTo(OfferResult.Outcome.PENDING);
            List<PendingSpan> expired = store.expire(Long.MAX_VALUE);
            assertThat(expired).extracting(x -> PeerNamer.virtualEdge(x).callerName + "->" + PeerNamer.virtualEdge(x).calleeName)
                    .containsExactlyInAnyOrder("checkout->kafka", "kafka->shipping");
            assertThat(store.edgesExpired()).isEqualTo(2);
            assertThat(store.size()).isZero();
        }
    }
}
