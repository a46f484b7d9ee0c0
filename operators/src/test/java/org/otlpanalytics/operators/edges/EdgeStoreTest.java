package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.consumer;
import static org.otlpanalytics.operators.edges.TestSpans.internal;
import static org.otlpanalytics.operators.edges.TestSpans.producer;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.edges.OfferResult.Outcome;

class EdgeStoreTest {
    private static final long TTL = 10_000L;
    private final EdgeStore store = new EdgeStore(EdgeStoreOptions.defaults());

    @Test
    void shouldEmitEdgeWhenServerSpanArrivesFirst() {
        OfferResult first = store.offer(server("checkout", 0xB, 0xA).times(T0 + 5, 20).kafka(1, 100).build());
        assertThat(first.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(first.hasEdge()).isFalse();
        assertThat(store.size()).isEqualTo(1);

        OfferResult second = store.offer(client("frontend", 0xA, 0x1).times(T0, 40).kafka(0, 7).build());

        assertThat(second.outcome()).isEqualTo(Outcome.PAIRED);
        Edge e = second.edge();
        assertThat(e.tenant).isEqualTo("default");
        assertThat(e.callerUrn).isEqualTo("urn:svc:default/frontend");
        assertThat(e.callerName).isEqualTo("frontend");
        assertThat(e.calleeUrn).isEqualTo("urn:svc:default/checkout");
        assertThat(e.calleeName).isEqualTo("checkout");
        assertThat(e.callerVirtual).isFalse();
        assertThat(e.calleeVirtual).isFalse();
        assertThat(e.connectionType).isEqualTo(ConnectionType.REQUEST);
        assertThat(e.eventTimeMillis()).isEqualTo(T0);
        assertThat(e.clientDurationNanos).isEqualTo(40_000_000L);
        assertThat(e.serverDurationNanos).isEqualTo(20_000_000L);
        assertThat(e.failed).isFalse();
        assertThat(e.traceIdHi).isEqualTo(TestSpans.TRACE_HI);
        assertThat(e.traceIdLo).isEqualTo(TestSpans.TRACE_LO);
        assertThat(e.callerPartition).isZero();
        assertThat(e.callerOffset).isEqualTo(7L);
        assertThat(e.calleePartition).isEqualTo(1);
        assertThat(e.calleeOffset).isEqualTo(100L);
        assertThat(e.key()).isEqualTo(new EdgeKey("default", "urn:svc:default/frontend", "urn:svc:default/checkout"));
        assertThat(store.size()).isZero();
        assertThat(store.edgesPaired()).isEqualTo(1);
        assertThat(store.expire(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void shouldEmitEdgeWhenClientSpanArrivesFirst() {
        OfferResult first = store.offer(client("frontend", 0xA, 0x1).times(T0, 40).build());
        assertThat(first.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(first.deadlineMillis()).isEqualTo(T0 + 40 + TTL);
        assertThat(first.span().pairingSpanId()).isEqualTo(0xA);

        OfferResult second = store.offer(server("checkout", 0xB, 0xA).times(T0 + 5, 20).build());

        assertThat(second.outcome()).isEqualTo(Outcome.PAIRED);
        assertThat(second.edge().callerName).isEqualTo("frontend");
        assertThat(second.edge().calleeName).isEqualTo("checkout");
        assertThat(second.edge().eventTimeMillis()).isEqualTo(T0);
        assertThat(store.size()).isZero();
    }

    @Test
    void shouldEmitMessagingEdgeFromProducerToConsumer() {
        store.offer(consumer("billing", 0xC2, 0xC1).times(T0 + 900, 30).messaging("kafka", "orders").build());
        OfferResult r = store.offer(producer("orders", 0xC1, 0x1).times(T0, 2).messaging("kafka", "orders").build());

        assertThat(r.outcome()).isEqualTo(Outcome.PAIRED);
        assertThat(r.edge().callerName).isEqualTo("orders");
        assertThat(r.edge().calleeName).isEqualTo("billing");
        assertThat(r.edge().connectionType).isEqualTo(ConnectionType.MESSAGING);
        assertThat(r.edge().eventTimeMillis()).as("producer start").isEqualTo(T0);
        assertThat(r.edge().hasVirtualNode()).isFalse();
    }

    @Test
    void shouldIgnoreSameServicePairs() {
        store.offer(client("checkout", 0xA, 0x1).build());
        OfferResult r = store.offer(server("checkout", 0xB, 0xA).build());

        assertThat(r.outcome()).isEqualTo(Outcome.SAME_SERVICE);
        assertThat(r.hasEdge()).isFalse();
        assertThat(store.size()).as("both halves consumed").isZero();
        assertThat(store.count(Outcome.SAME_SERVICE)).isEqualTo(1);
        assertThat(store.expire(Long.MAX_VALUE)).as("no virtual edge later").isEmpty();
    }

    @Test
    void shouldTreatSameNameInOtherNamespaceOrTenantAsOtherService() {
        store.offer(client("api", 0xA, 0x1).namespace("shop").build());
        OfferResult otherNamespace = store.offer(server("api", 0xB, 0xA).namespace("pay").build());
        store.offer(client("api", 0xC, 0x1).tenant("acme").build());
        OfferResult otherTenant = store.offer(server("api", 0xD, 0xC).tenant("globex").build());

        assertThat(otherNamespace.outcome()).isEqualTo(Outcome.PAIRED);
        assertThat(otherNamespace.edge().callerUrn).isEqualTo("urn:svc:shop/api");
        assertThat(otherNamespace.edge().calleeUrn).isEqualTo("urn:svc:pay/api");
        assertThat(otherTenant.outcome()).isEqualTo(Outcome.PAIRED);
        assertThat(otherTenant.edge().tenant).as("caller's tenant").isEqualTo("acme");
    }

    @Test
    void shouldEmitUserEdgeForUnpairedRootServer() {
        OfferResult r = store.offer(server("frontend", 0x1, 0).times(T0, 80).error().kafka(2, 9).build());

        assertThat(r.outcome()).isEqualTo(Outcome.VIRTUAL);
        Edge e = r.edge();
        assertThat(e.callerUrn).isEqualTo("urn:peer:user/user");
        assertThat(e.callerName).isEqualTo("user");
        assertThat(e.callerVirtual).isTrue();
        assertThat(e.calleeUrn).isEqualTo("urn:svc:default/frontend");
        assertThat(e.calleeVirtual).isFalse();
        assertThat(e.clientDurationNanos).isEqualTo(Edge.ABSENT);
        assertThat(e.serverDurationNanos).isEqualTo(80_000_000L);
        assertThat(e.failed).isTrue();
        assertThat(e.callerPartition).isEqualTo(-1);
        assertThat(e.calleeOffset).isEqualTo(9L);
        assertThat(store.size()).as("a root span keeps no state").isZero();
    }

    @Test
    void shouldRejectAtMaxItemsAndCount() {
        EdgeStore small = new EdgeStore(EdgeStoreOptions.builder().maxItems(2).build());
        small.offer(client("frontend", 0xA1, 0x1).build());
        small.offer(client("frontend", 0xA2, 0x1).build());

        OfferResult third = small.offer(client("frontend", 0xA3, 0x1).build());

        assertThat(third.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(third.span().spanId()).isEqualTo(0xA3);
        assertThat(small.spansDropped()).isEqualTo(1);
        assertThat(small.size()).isEqualTo(2);
        assertThat(Outcome.REJECTED.metricName()).isEqualTo("spansDropped");

        OfferResult pairedAtCap = small.offer(server("checkout", 0xB1, 0xA1).build());
        assertThat(pairedAtCap.outcome()).as("pairing needs no new item").isEqualTo(Outcome.PAIRED);
        assertThat(small.offer(client("frontend", 0xA4, 0x1).build()).outcome()).isEqualTo(Outcome.PENDING);
        assertThat(small.size()).isEqualTo(2);
    }

    @Test
    void shouldExpireByEventTimeOnly() throws InterruptedException {
        OfferResult r = store.offer(client("checkout", 0xA, 0x1).times(T0, 10).db("postgresql", "orders").build());
        long deadline = T0 + 10 + TTL;
        assertThat(r.deadlineMillis()).isEqualTo(deadline);

        // spans far in the event-time future and wall-clock time do not expire anything by themselves
        store.offer(client("frontend", 0xF, 0x1).times(T0 + 3_600_000, 5).build());
        Thread.sleep(20);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.expire(deadline - 1)).isEmpty();
        assertThat(store.size()).isEqualTo(2);

        List<PendingSpan> expired = store.expire(deadline);

        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).spanId()).isEqualTo(0xA);
        assertThat(store.edgesExpired()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.currentWatermarkMillis()).isEqualTo(deadline);
        Edge e = PeerNamer.virtualEdge(expired.get(0));
        assertThat(e.calleeName).isEqualTo("postgresql");
        assertThat(e.calleeUrn).isEqualTo("urn:peer:postgresql/orders");
        assertThat(e.calleeVirtual).isTrue();
        assertThat(e.connectionType).isEqualTo(ConnectionType.DATABASE);
        assertThat(e.serverDurationNanos).isEqualTo(Edge.ABSENT);
    }

    @Test
    void shouldWaitTheTtlBeforeDeclaringClientUnpaired() {
        store.offer(client("frontend", 0xA, 0x1).times(T0, 40).build());
        assertThat(store.expire(T0 + 40 + TTL - 1)).isEmpty();

        OfferResult late = store.offer(server("checkout", 0xB, 0xA).times(T0 + 30, 5).build());

        assertThat(late.outcome()).isEqualTo(Outcome.PAIRED);
        assertThat(store.expire(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void shouldPreferPairingOverVirtualNamingForDatabaseClient() {
        store.offer(client("checkout", 0xA, 0x1).db("postgresql", "orders").build());
        OfferResult r = store.offer(server("pg-proxy", 0xB, 0xA).build());

        assertThat(r.outcome()).isEqualTo(Outcome.PAIRED);
        assertThat(r.edge().calleeName).isEqualTo("pg-proxy");
        assertThat(r.edge().calleeVirtual).isFalse();
        assertThat(r.edge().connectionType).isEqualTo(ConnectionType.DATABASE);
        assertThat(store.expire(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void shouldMarkEdgeFailedWhenEitherSideIsError() {
        assertThat(pair(client("a", 0xA1, 1).error(), server("b", 0xB1, 0xA1).ok()).failed).isTrue();
        assertThat(pair(client("a", 0xA2, 1).ok(), server("b", 0xB2, 0xA2).error()).failed).isTrue();
        assertThat(pair(client("a", 0xA3, 1).ok(), server("b", 0xB3, 0xA3)).failed).isFalse();
    }

    @Test
    void shouldDropSecondSpanOfTheSameSideAndCount() {
        store.offer(client("frontend", 0xA, 0x1).build());
        OfferResult dup = store.offer(client("frontend", 0xA, 0x1).build());

        assertThat(dup.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.count(Outcome.DUPLICATE)).isEqualTo(1);
        assertThat(store.offer(server("checkout", 0xB, 0xA).build()).outcome()).isEqualTo(Outcome.PAIRED);

        // a redelivered server span after its pair completed waits alone and ends as an orphan
        assertThat(store.offer(server("checkout", 0xB, 0xA).build()).outcome()).isEqualTo(Outcome.PENDING);
        List<PendingSpan> expired = store.expire(Long.MAX_VALUE);
        assertThat(expired).hasSize(1);
        assertThat(PeerNamer.virtualEdge(expired.get(0))).isNull();
    }

    @Test
    void shouldKeepTracesApart() {
        store.offer(client("frontend", 0xA, 0x1).trace(1, 2).build());
        OfferResult other = store.offer(server("checkout", 0xB, 0xA).trace(1, 3).build());

        assertThat(other.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void shouldLeaveOrphanServerWithoutEdge() {
        OfferResult r = store.offer(server("checkout", 0xB, 0xA).times(T0, 5).build());
        assertThat(r.outcome()).isEqualTo(Outcome.PENDING);

        List<PendingSpan> expired = store.expire(T0 + 5 + TTL);

        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).hasPeer()).isFalse();
        assertThat(PeerNamer.virtualEdge(expired.get(0))).isNull();
    }

    @Test
    void shouldEmitBrokerEdgeForConsumerWithoutProducer() {
        store.offer(consumer("billing", 0xC2, 0xC1).times(T0, 5).messaging("kafka", "orders").build());
        Edge late = PeerNamer.virtualEdge(store.expire(Long.MAX_VALUE).get(0));
        OfferResult root = store.offer(consumer("billing", 0xC3, 0).messaging("kafka", "orders").build());
        OfferResult rootWithoutSystem = store.offer(consumer("billing", 0xC4, 0).build());

        assertThat(late.callerUrn).isEqualTo("urn:peer:kafka/orders");
        assertThat(late.callerName).isEqualTo("kafka");
        assertThat(late.callerVirtual).isTrue();
        assertThat(late.connectionType).isEqualTo(ConnectionType.MESSAGING);
        assertThat(root.outcome()).isEqualTo(Outcome.VIRTUAL);
        assertThat(root.edge().callerUrn).isEqualTo("urn:peer:kafka/orders");
        assertThat(rootWithoutSystem.outcome()).isEqualTo(Outcome.ORPHANED);
        assertThat(store.size()).isZero();
    }

    @Test
    void shouldIgnoreInternalSpansAndClientsWithoutId() {
        assertThat(store.offer(internal("checkout", 0xA, 0x1).build()).outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(store.offer(client("checkout", 0, 0x1).build()).outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(store.count(Outcome.IGNORED)).isEqualTo(2);
        assertThat(store.size()).isZero();
    }

    @Test
    void shouldExpireInDeadlineOrderWhateverTheArrivalOrder() {
        store.offer(client("a", 0xA3, 1).times(T0 + 3000, 0).build());
        store.offer(client("a", 0xA1, 1).times(T0 + 1000, 0).build());
        store.offer(client("a", 0xA2, 1).times(T0 + 2000, 0).build());

        List<PendingSpan> expired = store.expire(T0 + 2000 + TTL);

        assertThat(expired).extracting(PendingSpan::spanId).containsExactly(0xA1L, 0xA2L);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void shouldWaitFromTheGivenEventTime() {
        OfferResult r = store.offer(client("a", 0xA, 1).times(T0, 5).build(), T0 + 60_000);

        assertThat(r.deadlineMillis()).isEqualTo(T0 + 60_000 + TTL);
    }

    @Test
    void shouldStayBoundedWhenPairsCompleteBeforeTheirDeadline() {
        EdgeStore s = new EdgeStore(EdgeStoreOptions.builder().ttl(Duration.ofMinutes(5)).build());
        for (long i = 1; i <= 50_000; i++) {
            s.offer(client("a", i, 0x1).trace(7, i).build());
            s.offer(server("b", i + 1_000_000, i).trace(7, i).build());
        }

        assertThat(s.edgesPaired()).isEqualTo(50_000);
        assertThat(s.size()).isZero();
        assertThat(s.approxHeapBytes()).as("stale queue entries are rebuilt away").isLessThan(10_000);
        assertThat(s.expire(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void shouldPassHostileNamesThroughUnchanged() {
        String caller = "o'brien \"svc\" $$ } ) MATCH (n) DETACH DELETE n // ";
        String callee = "x'); DROP TABLE edges; -- $$ {urn: $urn} RETURN n";
        String db = "db$$'\"}{";
        Edge e = pair(client(caller, 0xA, 1).tenant("t'$$}"), server(callee, 0xB, 0xA).tenant("t'$$}"));
        store.offer(client(caller, 0xC, 1).db("postgresql", db).build());
        Edge toDb = PeerNamer.virtualEdge(store.expire(Long.MAX_VALUE).get(0));

        assertThat(e.callerName).isEqualTo(caller);
        assertThat(e.callerUrn).isEqualTo("urn:svc:default/" + caller);
        assertThat(e.calleeName).isEqualTo(callee);
        assertThat(e.calleeUrn).isEqualTo("urn:svc:default/" + callee);
        assertThat(e.tenant).isEqualTo("t'$$}");
        assertThat(toDb.calleeUrn).isEqualTo("urn:peer:postgresql/" + db);
    }

    private Edge pair(TestSpans clientSpan, TestSpans serverSpan) {
        assertThat(store.offer(clientSpan.build()).outcome()).isEqualTo(Outcome.PENDING);
        OfferResult r = store.offer(serverSpan.build());
        assertThat(r.outcome()).isEqualTo(Outcome.PAIRED);
        return r.edge();
    }
}
