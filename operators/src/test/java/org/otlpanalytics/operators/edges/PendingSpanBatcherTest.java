package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

class PendingSpanBatcherTest {
    private static final int KEY_GROUPS = 128;

    private static int keyGroup(PendingSpan p) {
        return KeyGroupRangeAssignment.assignToKeyGroup(EdgePairingOperator.traceKey(p), KEY_GROUPS);
    }

    /** Halves of {@code traces} traces, a few per trace, in a random interleaving. */
    private static List<PendingSpan> halves(int traces, long seed) {
        Random r = new Random(seed);
        List<PendingSpan> out = new ArrayList<>();
        for (int n = 0; n < traces * 3; n++) {
            int t = r.nextInt(traces);
            var s = (n % 2 == 0 ? client("frontend", n + 1, 7) : server("cart", n + 1, 7)).trace(t, t * 31L + 1).times(T0 + n, 3).build();
            out.add(PendingSpan.of(s, PendingSpan.eventTimeMillis(s), 10_000));
        }
        return out;
    }

    @Test
    void shouldShipEveryHalfOnceInOneBatchPerKeyGroupKeepingArrivalOrder() {
        List<PendingSpan> in = halves(500, 1);
        PendingSpanBatcher batcher = new PendingSpanBatcher(KEY_GROUPS);
        in.forEach(batcher::add);
        assertThat(batcher.size()).isEqualTo(in.size());
        List<PendingSpanBatch> out = new ArrayList<>();
        batcher.drain(out::add);

        // oracle: the halves grouped by key group, groups in the order of their first half
        Map<Integer, List<PendingSpan>> expected = new LinkedHashMap<>();
        for (PendingSpan p : in) {
            expected.computeIfAbsent(keyGroup(p), g -> new ArrayList<>()).add(p);
        }
        assertThat(out).extracting(PendingSpanBatch::halves).containsExactlyElementsOf(expected.values());
        Set<Integer> groups = new HashSet<>();
        for (PendingSpanBatch b : out) {
            assertThat(groups.add(keyGroup(b.get(0)))).as("one batch per key group").isTrue();
            assertThat(KeyGroupRangeAssignment.assignToKeyGroup(PendingSpanBatch.key(b), KEY_GROUPS)).isEqualTo(keyGroup(b.get(0)));
        }
        assertThat(batcher.size()).isZero();
    }

    @Test
    void shouldStartAfreshAfterADrain() {
        PendingSpanBatcher batcher = new PendingSpanBatcher(KEY_GROUPS);
        halves(50, 2).forEach(batcher::add);
        batcher.drain(b -> {});
        List<PendingSpan> second = halves(50, 3);
        second.forEach(batcher::add);
        List<PendingSpan> shipped = new ArrayList<>();
        batcher.drain(b -> shipped.addAll(b.halves()));
        assertThat(shipped).containsExactlyInAnyOrderElementsOf(second);
        List<PendingSpanBatch> none = new ArrayList<>();
        batcher.drain(none::add);
        assertThat(none).isEmpty();
    }

    @Test
    void shouldPutEverythingInOneBatchWithOneKeyGroup() {
        PendingSpanBatcher batcher = new PendingSpanBatcher(1);
        List<PendingSpan> in = halves(20, 4);
        in.forEach(batcher::add);
        List<PendingSpanBatch> out = new ArrayList<>();
        batcher.drain(out::add);
        assertThat(out).singleElement().extracting(PendingSpanBatch::halves).isEqualTo(in);
    }

    @Test
    void rejectsNoKeyGroups() {
        assertThatThrownBy(() -> new PendingSpanBatcher(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
