package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalPairingBufferTest {
    private static final long TTL = 10_000L;
    private static final long WM = Long.MIN_VALUE;

    private static PendingSpan half(TestSpans s) {
        var span = s.build();
        return PendingSpan.of(span, PendingSpan.eventTimeMillis(span), TTL);
    }

    @Test
    void shouldPairOppositeHalvesOfOneCallAsThePairingWould() {
        LocalPairingBuffer b = new LocalPairingBuffer(100);
        PendingSpan c = half(client("frontend", 1, 9).times(T0, 20));
        PendingSpan s = half(server("cart", 2, 1).times(T0 + 1, 10));
        assertThat(b.offer(s, WM)).isNull();
        OfferResult r = b.offer(c, WM);
        assertThat(r.outcome()).isEqualTo(OfferResult.Outcome.PAIRED);
        assertThat(r.edge()).isEqualTo(EdgeMatcher.match(s, c).edge());
        assertThat(b.size()).isZero();
        List<PendingSpan> shipped = new ArrayList<>();
        b.drain(shipped::add);
        assertThat(shipped).isEmpty();
    }

    @Test
    void shouldSettleRootSpansAtOnce() {
        LocalPairingBuffer b = new LocalPairingBuffer(100);
        OfferResult r = b.offer(half(server("frontend", 1, 0)), WM);
        assertThat(r.outcome()).isEqualTo(OfferResult.Outcome.VIRTUAL);
        assertThat(r.edge().callerUrn).isEqualTo(PeerNamer.USER_URN);
        assertThat(b.size()).isZero();
    }

    @Test
    void shouldShipInArrivalOrderWhatThePairingMustJudge() {
        LocalPairingBuffer b = new LocalPairingBuffer(100);
        PendingSpan c = half(client("frontend", 1, 9).times(T0, 20));
        PendingSpan dup = half(client("frontend", 1, 9).times(T0, 20).kafka(1, 7));
        PendingSpan s = half(server("cart", 2, 1).times(T0 + 1, 10));
        PendingSpan other = half(client("cart", 3, 2).times(T0 + 2, 1).db("redis", "0"));
        // a second caller half of the same call: the pairing decides against what waits there
        assertThat(b.offer(c, WM)).isNull();
        assertThat(b.offer(other, WM)).isNull();
        assertThat(b.offer(dup, WM)).isNull();
        assertThat(b.offer(s, WM)).isNull();
        List<PendingSpan> shipped = new ArrayList<>();
        b.drain(shipped::add);
        assertThat(shipped).containsExactly(c, other, dup, s);
        assertThat(b.size()).isZero();
    }

    @Test
    void shouldLeaveHalvesPastTheirDeadlineOrTooFarApartToThePairing() {
        LocalPairingBuffer b = new LocalPairingBuffer(100);
        PendingSpan c = half(client("frontend", 1, 9).times(T0, 20));
        PendingSpan s = half(server("cart", 2, 1).times(T0 + 1, 10));
        assertThat(b.offer(c, WM)).isNull();
        assertThat(b.offer(s, c.deadlineMillis())).as("the caller's wait is over").isNull();
        PendingSpan p = half(client("frontend", 5, 9).times(T0, 20));
        PendingSpan late = half(server("cart", 6, 5).times(T0 + 20 + TTL, 10));
        assertThat(b.offer(p, WM)).isNull();
        assertThat(b.offer(late, WM)).as("starts after the caller's deadline").isNull();
        assertThat(b.size()).isEqualTo(4);
    }

    @Test
    void shouldSayWhenFull() {
        LocalPairingBuffer b = new LocalPairingBuffer(2);
        b.offer(half(client("a", 1, 9)), WM);
        assertThat(b.isFull()).isFalse();
        b.offer(half(client("a", 2, 9)), WM);
        assertThat(b.isFull()).isTrue();
    }

    /**
     * The promise, on one channel: a stream of halves (pairs near and far apart in time, in the
     * same service, roots, unpaired calls, halves behind the watermark) with watermarks between
     * them gives the same edges and counts through this buffer in front of the pairing's store
     * as through the store alone. Calls with more than one half of a side are not part of it:
     * see {@link #shouldPairTheLaterDuplicateWhenTheEarlierWasShippedBefore}.
     */
    @Test
    void shouldDrawTheSameEdgesAsThePairingAloneOnOneChannel() {
        Random random = new Random(5);
        for (int round = 0; round < 30; round++) {
            List<Object> stream = stream(random);
            Map<Object, Integer> alone = edges(stream, false);
            Map<Object, Integer> withBuffer = edges(stream, true);
            Map<Object, Integer> diff = new HashMap<>(withBuffer);
            alone.forEach((k, v) -> diff.merge(k, -v, Integer::sum));
            diff.values().removeIf(v -> v == 0);
            assertThat(diff).as("round %d: with the buffer minus alone", round).isEmpty();
        }
    }

    /**
     * The limit of the promise: a second half of one side (a redelivered span, a second consumer
     * of one message) shipped to the pairing before its partner came pairs here with the partner,
     * while the earlier one waits there in vain; alone, the earlier one would have paired and the
     * later one been a duplicate. As across partitions, which of them pairs depends on arrival.
     */
    @Test
    void shouldPairTheLaterDuplicateWhenTheEarlierWasShippedBefore() {
        LocalPairingBuffer b = new LocalPairingBuffer(100);
        PendingSpan early = half(server("cart", 2, 1).times(T0 + 1, 10).kafka(0, 1));
        PendingSpan again = half(server("cart", 2, 1).times(T0 + 1, 10).kafka(0, 2));
        PendingSpan c = half(client("frontend", 1, 9).times(T0, 20));
        b.offer(early, WM);
        List<PendingSpan> shipped = new ArrayList<>();
        b.drain(shipped::add);
        assertThat(b.offer(again, WM)).isNull();
        OfferResult r = b.offer(c, WM);
        assertThat(r.edge().calleeOffset).isEqualTo(2);
        assertThat(shipped).containsExactly(early);
    }

    private static List<Object> stream(Random random) {
        List<Object> out = new ArrayList<>();
        long maxStart = T0;
        long id = 10;
        for (int i = 0; i < 400; i++) {
            long t = T0 + i * 50L + random.nextInt(3_000) - (random.nextInt(20) == 0 ? 15_000 : 0);
            maxStart = Math.max(maxStart, t);
            long traceLo = random.nextInt(50);
            long callerId = ++id;
            int shape = random.nextInt(6);
            List<PendingSpan> halves = new ArrayList<>();
            halves.add(half(client("svc" + random.nextInt(3), callerId, 1).trace(1, traceLo).times(t, 5).db("postgresql", "db")));
            if (shape == 0) {
                halves.set(0, half(server("front", callerId, 0).trace(1, traceLo).times(t, 5)));
            } else if (shape <= 3) {
                long delay = shape == 3 ? TTL + random.nextInt(3) : random.nextInt(40);
                halves.add(half(server("svc" + random.nextInt(3), ++id, callerId).trace(1, traceLo).times(t + delay, 3)));
            } else if (shape == 4) {
                halves.add(half(server("back", ++id, callerId).trace(1, traceLo).times(t + 1, 3)));
            }
            for (PendingSpan h : halves) {
                // interleaved with the halves of the last few calls
                out.add(out.size() - random.nextInt(Math.min(6, out.size() + 1)), h);
            }
            if (random.nextInt(8) == 0) {
                out.add(maxStart - 1_000);
            }
        }
        return out;
    }

    /** Edges (with their multiplicity) and outcome counts of the stream, with or without the buffer in front. */
    private static Map<Object, Integer> edges(List<Object> stream, boolean local) {
        EdgeStore store = new EdgeStore(EdgeStoreOptions.builder().ttl(java.time.Duration.ofMillis(TTL)).build());
        LocalPairingBuffer buffer = new LocalPairingBuffer(local ? 64 : 1);
        Map<Object, Integer> out = new HashMap<>();
        long watermark = Long.MIN_VALUE;
        for (Object o : stream) {
            if (o instanceof Long w) {
                buffer.drain(p -> offer(store, p, out));
                watermark = Math.max(watermark, w);
                named(store.expire(watermark), out);
            } else if (local) {
                if (buffer.isFull()) {
                    buffer.drain(p -> offer(store, p, out));
                }
                OfferResult r = buffer.offer((PendingSpan) o, watermark);
                if (r != null) {
                    count(r, out);
                }
            } else {
                offer(store, (PendingSpan) o, out);
            }
        }
        buffer.drain(p -> offer(store, p, out));
        named(store.expire(Long.MAX_VALUE), out);
        return out;
    }

    private static void offer(EdgeStore store, PendingSpan p, Map<Object, Integer> out) {
        count(store.offer(p), out);
        named(store.takeExpiredEarly(), out);
    }

    private static void count(OfferResult r, Map<Object, Integer> out) {
        if (r.hasEdge()) {
            out.merge(r.edge(), 1, Integer::sum);
        }
        if (r.outcome() != OfferResult.Outcome.PENDING) {
            out.merge(r.outcome(), 1, Integer::sum);
        }
    }

    private static void named(List<PendingSpan> ended, Map<Object, Integer> out) {
        for (PendingSpan p : ended) {
            Edge e = PeerNamer.virtualEdge(p);
            out.merge(e == null ? "orphan" : e, 1, Integer::sum);
        }
    }
}
