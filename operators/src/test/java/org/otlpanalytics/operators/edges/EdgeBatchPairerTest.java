package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.traces.SpanRecord;

/** The pairing of batches: the shop's known edges, and its state restored by the one-half-per-record pairing. */
class EdgeBatchPairerTest {
    private static final long TTL = 10_000L;
    private static final int MAX_PARALLELISM = 128;
    private static final int PARALLELISM = 2;

    private static KeyedOneInputStreamOperatorTestHarness<Long, PendingSpanBatch, Edge> batchHarness(StateBackends backend,
            int subtask) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(new EdgeBatchPairer(EdgeStoreOptions.defaults()),
                PendingSpanBatch::key, Types.LONG, MAX_PARALLELISM, PARALLELISM, subtask));
        h.open();
        return h;
    }

    /** Every shop half, in a shuffled order, batched as two source subtasks would ship them in intervals of 150 spans. */
    private static List<PendingSpanBatch> shippedBatches(List<SpanRecord> spans, long seed) {
        List<SpanRecord> shuffled = new ArrayList<>(spans);
        Collections.shuffle(shuffled, new Random(seed));
        List<PendingSpanBatch> out = new ArrayList<>();
        PendingSpanBatcher[] sources = {new PendingSpanBatcher(MAX_PARALLELISM), new PendingSpanBatcher(MAX_PARALLELISM)};
        for (int i = 0; i < shuffled.size(); i++) {
            SpanRecord s = shuffled.get(i);
            if (PendingSpan.isPairable(s)) {
                sources[i % 2].add(PendingSpan.of(s, PendingSpan.eventTimeMillis(s), TTL));
            }
            if (i % 150 == 149 || i == shuffled.size() - 1) {
                for (PendingSpanBatcher b : sources) {
                    b.drain(out::add);
                }
            }
        }
        return out;
    }

    private static int subtaskOf(PendingSpanBatch b) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(PendingSpanBatch.key(b), MAX_PARALLELISM, PARALLELISM);
    }

    private static List<String> described(AbstractStreamOperatorTestHarness<?>... harnesses) {
        List<String> out = new ArrayList<>();
        for (var h : harnesses) {
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    out.add(EdgePairerTest.describe((Edge) r.getValue()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldDrawTheShopsKnownEdgesFromBatchesOnTwoSubtasks(StateBackends backend) throws Exception {
        int traces = 200;
        List<PendingSpanBatch> batches = shippedBatches(EdgePairerTest.shop(traces), 5);
        assertThat(batches.stream().mapToInt(PendingSpanBatch::size).sum()).as("every pairable span shipped once").isEqualTo(traces * 8);
        assertThat(batches).as("some batches hold several halves").hasSizeLessThan(traces * 8);
        var subtasks = List.of(batchHarness(backend, 0), batchHarness(backend, 1));
        for (PendingSpanBatch b : batches) {
            subtasks.get(subtaskOf(b)).processElement(new StreamRecord<>(b, b.minStartMillis()));
        }
        for (var h : subtasks) {
            h.processWatermark(new Watermark(Long.MAX_VALUE));
        }
        assertThat(described(subtasks.get(0), subtasks.get(1))).containsExactlyInAnyOrderElementsOf(EdgePairerTest.shopEdges(traces));
        for (var h : subtasks) {
            assertThat(((EdgeBatchPairer) h.getOperator()).pendingCount()).isZero();
            h.close();
        }
    }

    /**
     * The state is the one-half pairing's, name and layout: halves waiting in two batch pairers at a
     * checkpoint are restored, rescaled to one subtask, by an {@link EdgePairer}, which then draws
     * the rest of the shop's edges from single halves.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldRestoreItsWaitingHalvesIntoTheOneHalfPairing(StateBackends backend) throws Exception {
        int traces = 200;
        List<PendingSpanBatch> batches = shippedBatches(EdgePairerTest.shop(traces), 9);
        int before = batches.size() / 2;
        var subtasks = List.of(batchHarness(backend, 0), batchHarness(backend, 1));
        for (PendingSpanBatch b : batches.subList(0, before)) {
            subtasks.get(subtaskOf(b)).processElement(new StreamRecord<>(b, b.minStartMillis()));
        }
        long waiting = 0;
        for (var h : subtasks) {
            waiting += ((EdgeBatchPairer) h.getOperator()).pendingCount();
        }
        assertThat(waiting).as("halves wait at the checkpoint").isPositive();
        OperatorSubtaskState snapshot = AbstractStreamOperatorTestHarness.repackageState(
                subtasks.get(0).snapshot(1, 1), subtasks.get(1).snapshot(1, 1));
        List<String> edges = described(subtasks.get(0), subtasks.get(1));
        for (var h : subtasks) {
            h.close();
        }
        EdgePairer single = new EdgePairer(EdgeStoreOptions.defaults());
        var restored = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(single, EdgePairer::traceKey, Types.LONG,
                MAX_PARALLELISM, 1, 0));
        restored.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, MAX_PARALLELISM,
                PARALLELISM, 1, 0));
        restored.open();
        assertThat(single.pendingCount()).as("every waiting half restored").isEqualTo(waiting);
        for (PendingSpanBatch b : batches.subList(before, batches.size())) {
            for (PendingSpan p : b.halves()) {
                restored.processElement(new StreamRecord<>(p, EdgeMatcher.startMillis(p)));
            }
        }
        restored.processWatermark(new Watermark(Long.MAX_VALUE));
        edges.addAll(described(restored));
        assertThat(edges).containsExactlyInAnyOrderElementsOf(EdgePairerTest.shopEdges(traces));
        restored.close();
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldRefuseAHalfOfAKeyGroupItDoesNotOwn(StateBackends backend) throws Exception {
        var h = batchHarness(backend, 0);
        PendingSpan mine = null;
        PendingSpan foreign = null;
        for (int i = 1; mine == null || foreign == null; i++) {
            var s = client("frontend", i, 9).trace(i, i).times(T0, 5).build();
            PendingSpan p = PendingSpan.of(s, PendingSpan.eventTimeMillis(s), TTL);
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(EdgePairingOperator.traceKey(p), MAX_PARALLELISM, PARALLELISM) == 0) {
                mine = mine == null ? p : mine;
            } else {
                foreign = foreign == null ? p : foreign;
            }
        }
        PendingSpanBatch mixed = new PendingSpanBatch(new PendingSpan[] {mine, foreign});
        assertThatThrownBy(() -> h.processElement(new StreamRecord<>(mixed, T0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pipeline.max-parallelism");
        h.close();
    }
}
