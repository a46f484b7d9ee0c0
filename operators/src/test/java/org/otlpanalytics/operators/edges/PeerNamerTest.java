package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.consumer;
import static org.otlpanalytics.operators.edges.TestSpans.producer;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.edges.PeerNamer.Peer;

class PeerNamerTest {

    @Test
    void shouldNameDatabasePeerFromDbSystem() {
        Peer p = PeerNamer.calleeOf(client("checkout", 0xA, 1).db("postgresql", "orders").build());

        assertThat(p.name()).isEqualTo("postgresql");
        assertThat(p.urn()).isEqualTo("urn:peer:postgresql/orders");
        assertThat(p.type()).isEqualTo(ConnectionType.DATABASE);
    }

    @Test
    void shouldFallBackToServerAddressForDatabaseWithoutNamespace() {
        Peer withAddress = PeerNamer.calleeOf(client("cart", 0xA, 1).db("redis", null).serverAddress("cache-1").build());
        Peer bare = PeerNamer.calleeOf(client("cart", 0xA, 1).db("redis", "").build());

        assertThat(withAddress.name()).isEqualTo("redis");
        assertThat(withAddress.urn()).isEqualTo("urn:peer:redis/cache-1");
        assertThat(bare.urn()).isEqualTo("urn:peer:redis/unknown");
    }

    @Test
    void shouldPreferPeerServiceOverEveryOtherAttribute() {
        Peer p = PeerNamer.calleeOf(client("checkout", 0xA, 1)
                .peerService("payments-db").db("postgresql", "pay").serverAddress("10.0.0.7").build());

        assertThat(p.name()).isEqualTo("payments-db");
        assertThat(p.urn()).isEqualTo("urn:peer:service/payments-db");
        assertThat(p.type()).isEqualTo(ConnectionType.DATABASE);
    }

    @Test
    void shouldNameBrokerFromMessagingSystem() {
        Peer p = PeerNamer.calleeOf(producer("orders", 0xA, 1).messaging("kafka", "orders.created").build());

        assertThat(p.name()).isEqualTo("kafka");
        assertThat(p.urn()).isEqualTo("urn:peer:kafka/orders.created");
        assertThat(p.type()).isEqualTo(ConnectionType.MESSAGING);
    }

    @Test
    void shouldNameHostFromServerAddress() {
        Peer p = PeerNamer.calleeOf(client("checkout", 0xA, 1).serverAddress("api.stripe.com").build());

        assertThat(p.name()).isEqualTo("api.stripe.com");
        assertThat(p.urn()).isEqualTo("urn:peer:host/api.stripe.com");
        assertThat(p.type()).isEqualTo(ConnectionType.REQUEST);
    }

    @Test
    void shouldNameUnknownPeerWhenNoAttributeNamesOne() {
        Peer p = PeerNamer.calleeOf(client("checkout", 0xA, 1).build());

        assertThat(p.name()).isEqualTo("unknown");
        assertThat(p.urn()).isEqualTo("urn:peer:unknown/unknown");
        assertThat(p.isUnknown()).isTrue();
    }

    @Test
    void shouldNameUserAsCallerOfRootServer() {
        Peer p = PeerNamer.callerOf(server("frontend", 0x1, 0).build());

        assertThat(p.name()).isEqualTo("user");
        assertThat(p.urn()).isEqualTo("urn:peer:user/user");
        assertThat(p.type()).isEqualTo(ConnectionType.REQUEST);
    }

    @Test
    void shouldNameBrokerAsCallerOfConsumer() {
        Peer p = PeerNamer.callerOf(consumer("billing", 0x2, 0x1).messaging("rabbitmq", "invoices").build());

        assertThat(p.name()).isEqualTo("rabbitmq");
        assertThat(p.urn()).isEqualTo("urn:peer:rabbitmq/invoices");
    }

    @Test
    void shouldNameNoCallerForServerWithParent() {
        assertThat(PeerNamer.callerOf(server("checkout", 0x2, 0x1).build())).isNull();
        assertThat(PeerNamer.callerOf(consumer("billing", 0x2, 0x1).build())).isNull();
    }

    @Test
    void shouldBuildVirtualEdgeFromExpiredClient() {
        PendingSpan p = PendingSpan.of(client("cart", 0xA, 1).times(TestSpans.T0, 3).error().kafka(4, 44)
                .db("redis", null).serverAddress("cache-1").build(), TestSpans.T0, 10_000);

        Edge e = PeerNamer.virtualEdge(p);

        assertThat(e.callerName).isEqualTo("cart");
        assertThat(e.callerVirtual).isFalse();
        assertThat(e.calleeName).isEqualTo("redis");
        assertThat(e.calleeUrn).isEqualTo("urn:peer:redis/cache-1");
        assertThat(e.calleeVirtual).isTrue();
        assertThat(e.failed).isTrue();
        assertThat(e.clientDurationNanos).isEqualTo(3_000_000L);
        assertThat(e.serverDurationNanos).isEqualTo(Edge.ABSENT);
        assertThat(e.callerPartition).isEqualTo(4);
        assertThat(e.callerOffset).isEqualTo(44L);
        assertThat(e.calleePartition).isEqualTo(-1);
    }

    @Test
    void shouldPassHostileNamesThroughUnchanged() {
        String evil = "x\"}) MATCH (n) DETACH DELETE n $$ '; DROP TABLE t; --";
        Peer p = PeerNamer.calleeOf(client("a", 0xA, 1).peerService(evil).build());

        assertThat(p.name()).isEqualTo(evil);
        assertThat(p.urn()).isEqualTo("urn:peer:service/" + evil);
    }
}
