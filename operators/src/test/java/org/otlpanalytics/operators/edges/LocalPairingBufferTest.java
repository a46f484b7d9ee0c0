package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Objects;
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

    /**
     * The buffer on {@link PairingTable} against the {@code HashMap<PairingKey, Slot>} it replaced
     * ({@link HashMapBuffer}, kept verbatim as the oracle): every offer's outcome, edge and span, every
     * drain's halves (the same objects, in the same order) and every size agree, over streams with
     * many halves per call (duplicates of one side, second children, roots, halves near and past
     * their deadlines, watermarks moving) and drains at random points, the table growing past
     * thousands of held halves and emptied again.
     */
    @Test
    void shouldDecideExactlyAsTheHashMapBufferItReplaced() {
        Random random = new Random(17);
        long offers = 0;
        long paired = 0;
        long shipped = 0;
        for (int round = 0; round < 40; round++) {
            int maxHeld = round % 4 == 0 ? 5_000 : 1 + random.nextInt(200);
            LocalPairingBuffer table = new LocalPairingBuffer(maxHeld);
            HashMapBuffer oracle = new HashMapBuffer(maxHeld);
            long watermark = Long.MIN_VALUE;
            int traces = 1 + random.nextInt(round % 4 == 0 ? 3_000 : 60);
            for (int step = 0; step < 6_000; step++) {
                int what = random.nextInt(100);
                if (what < 2) {
                    watermark = T0 + random.nextInt(traces * 10 + 15_000) - 5_000;
                }
                if (what < 4 || table.isFull()) {
                    assertThat(table.isFull()).isEqualTo(oracle.isFull());
                    List<PendingSpan> a = new ArrayList<>();
                    List<PendingSpan> b = new ArrayList<>();
                    table.drain(a::add);
                    oracle.drain(b::add);
                    assertThat(a).as("round %d step %d drain", round, step).containsExactlyElementsOf(b);
                    shipped += a.size();
                    continue;
                }
                PendingSpan h = randomHalf(random, traces);
                OfferResult x = table.offer(h, watermark);
                OfferResult y = oracle.offer(h, watermark);
                offers++;
                if (x == null || y == null) {
                    assertThat(x).as("round %d step %d", round, step).isSameAs(y);
                } else {
                    assertThat(x.outcome()).as("round %d step %d", round, step).isEqualTo(y.outcome());
                    assertThat(Objects.equals(x.edge(), y.edge())).as("round %d step %d edge", round, step).isTrue();
                    assertThat(x.span()).isSameAs(y.span());
                    if (x.outcome() == OfferResult.Outcome.PAIRED) {
                        paired++;
                    }
                }
                assertThat(table.size()).isEqualTo(oracle.size());
            }
        }
        // the streams exercised both paths: pairs made here and halves left for the shuffle
        assertThat(offers).isGreaterThan(200_000);
        assertThat(paired).isGreaterThan(offers / 50);
        assertThat(shipped).isGreaterThan(offers / 5);
    }

    /**
     * A half of one of few calls: either side, sometimes a root or a second half of a side; a
     * call's halves start close together, a callee's sometimes past the caller's deadline.
     */
    private static PendingSpan randomHalf(Random random, int traces) {
        long traceLo = random.nextInt(traces);
        long caller = 1 + random.nextInt(3);
        long t = T0 + traceLo * 10 + caller;
        int shape = random.nextInt(20);
        if (shape == 0) {
            return half(server("front", caller, 0).trace(1, traceLo).times(t, 5));
        }
        long hi = random.nextInt(8) == 0 ? 2 : 1;
        if (shape < 10) {
            TestSpans c = client("svc" + random.nextInt(3), caller, 100).trace(hi, traceLo).times(t, 20);
            return half(random.nextBoolean() ? c : c.kafka(0, random.nextInt(3)));
        }
        long delay = random.nextInt(10) == 0 ? TTL + random.nextInt(3_000) : random.nextInt(15);
        return half(server("svc" + random.nextInt(3), 10 + random.nextInt(5), caller)
                .trace(hi, traceLo).times(t + delay, 3));
    }

    /** The buffer as it was before {@link PairingTable}: the first held half of each call in a HashMap. */
    private static final class HashMapBuffer {
        private final int maxHeld;
        private final HashMap<PairingKey, Slot> byKey = new HashMap<>();
        private final List<Slot> order = new ArrayList<>();
        private int held;

        HashMapBuffer(int maxHeld) {
            this.maxHeld = maxHeld;
        }

        OfferResult offer(PendingSpan incoming, long watermarkMillis) {
            OfferResult settled = EdgeMatcher.settleAlone(incoming);
            if (settled != null) {
                return settled;
            }
            PairingKey key = PairingKey.of(incoming);
            Slot s = byKey.get(key);
            if (s != null && s.pairable(incoming, watermarkMillis)) {
                OfferResult matched = EdgeMatcher.match(s.span, incoming);
                s.span = null;
                held--;
                byKey.remove(key);
                return matched;
            }
            Slot added = new Slot(incoming);
            if (s == null) {
                byKey.put(key, added);
            } else {
                s.ambiguous = true;
            }
            order.add(added);
            held++;
            return null;
        }

        boolean isFull() {
            return held >= maxHeld;
        }

        int size() {
            return held;
        }

        void drain(java.util.function.Consumer<PendingSpan> shipper) {
            for (Slot s : order) {
                if (s.span != null) {
                    shipper.accept(s.span);
                }
            }
            order.clear();
            byKey.clear();
            held = 0;
        }

        private static final class Slot {
            PendingSpan span;
            boolean ambiguous;

            Slot(PendingSpan span) {
                this.span = span;
            }

            boolean pairable(PendingSpan incoming, long watermarkMillis) {
                return span != null
                        && !ambiguous
                        && span.isCaller() != incoming.isCaller()
                        && !EdgeMatcher.hasExpired(span, watermarkMillis)
                        && !EdgeMatcher.hasExpired(incoming, watermarkMillis)
                        && EdgeMatcher.staleOf(span, incoming) == null;
            }
        }
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
