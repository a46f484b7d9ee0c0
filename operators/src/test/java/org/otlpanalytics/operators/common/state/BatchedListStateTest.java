package org.otlpanalytics.operators.common.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.otlpanalytics.operators.testing.StateBackends;

/**
 * {@link BatchedListState} in an operator that holds records per key and minute and emits them at
 * the minute's end, as the log limiter and the fingerprinter do: the same records in the same order
 * whether they spent the minute on the heap, in keyed state or both, across a snapshot, a restore
 * rescaled from 1 to 2 subtasks and a flush past the heap bound, on both backends.
 */
class BatchedListStateTest {
    static final long MIN = 60_000L;
    static final int MAX_PARALLELISM = 128;

    /** How the holder keeps its lists: one list per key and minute, or in chunks taken one at a time. */
    enum Layout {
        LIST,
        CHUNKED
    }

    /** Holds "key:value" records per minute of their timestamp; at the minute's end emits "key=value" in order. */
    static final class Holder extends AbstractStreamOperator<String>
            implements OneInputStreamOperator<String, String>, Triggerable<String, VoidNamespace> {
        private final int maxOnHeap;
        private final Layout layout;
        transient BatchedListState<String> held;
        /** The size of every part taken at a minute's end, in order. */
        transient List<Integer> takes;
        private transient InternalTimerService<VoidNamespace> timers;

        Holder(int maxOnHeap, Layout layout) {
            this.maxOnHeap = maxOnHeap;
            this.layout = layout;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void open() throws Exception {
            super.open();
            var list = (InternalListState<String, Long, String>) getOrCreateKeyedState(LongSerializer.INSTANCE,
                    new ListStateDescriptor<>("held", StringSerializer.INSTANCE));
            boolean copies = getKeyedStateBackend().isSafeToReuseKVState();
            held = layout == Layout.LIST ? new BatchedListState<>(list, this, copies, maxOnHeap) : BatchedListState.chunked(list,
                    (InternalMapState<String, Long, Integer, List<String>>) getOrCreateKeyedState(LongSerializer.INSTANCE,
                            new MapStateDescriptor<>("held-chunks", Types.INT, Types.LIST(Types.STRING))),
                    (InternalValueState<String, Long, Long>) getOrCreateKeyedState(LongSerializer.INSTANCE,
                            new ValueStateDescriptor<>("held-chunk-range", Types.LONG)), this, copies, maxOnHeap);
            takes = new ArrayList<>();
            timers = getInternalTimerService("holder-timers", VoidNamespaceSerializer.INSTANCE, this);
        }

        @Override
        public void processElement(StreamRecord<String> element) throws Exception {
            long minute = element.getTimestamp() / MIN * MIN;
            held.add(minute, element.getValue());
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, minute + MIN - 1);
        }

        @Override
        public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
            BatchedListState.Chunk<String> c;
            do {
                c = held.takeChunk(timer.getTimestamp() / MIN * MIN);
                takes.add(c.records().size());
                for (String v : c.records()) {
                    output.collect(new StreamRecord<>(v, timer.getTimestamp()));
                }
            } while (c.more());
        }

        @Override
        public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
            // none
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            held.flush();
            super.snapshotState(context);
        }
    }

    static String key(String record) {
        return record.substring(0, record.indexOf(':'));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(StateBackends backend, int maxOnHeap,
            int parallelism, int subtask, OperatorSubtaskState restored, int restoredParallelism) throws Exception {
        return harness(backend, Layout.LIST, maxOnHeap, parallelism, subtask, restored, restoredParallelism);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(StateBackends backend, Layout layout,
            int maxOnHeap, int parallelism, int subtask, OperatorSubtaskState restored, int restoredParallelism)
            throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(new Holder(maxOnHeap, layout), BatchedListStateTest::key,
                Types.STRING, MAX_PARALLELISM, parallelism, subtask));
        if (restored != null) {
            h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(restored, MAX_PARALLELISM,
                    restoredParallelism, parallelism, subtask));
        }
        h.open();
        return h;
    }

    /** Records of three keys over two minutes: "k:i" at second i. */
    static List<StreamRecord<String>> input() {
        List<StreamRecord<String>> in = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            in.add(new StreamRecord<>("k" + (i % 3) + ":" + i, i * 1_000L));
        }
        return in;
    }

    static List<String> emitted(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((String) ((StreamRecord<?>) o).getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    /** Each minute's records in arrival order, per key (the order the holder emits them per key). */
    static List<String> expected(List<StreamRecord<String>> in, String key) {
        return in.stream().map(StreamRecord::getValue).filter(v -> key(v).equals(key)).toList();
    }

    static List<String> ofKey(List<String> out, String key) {
        return out.stream().filter(v -> key(v).equals(key)).toList();
    }

    static Stream<Arguments> backendsAndLayouts() {
        return Stream.of(StateBackends.values()).flatMap(b -> Stream.of(Layout.values()).map(l -> Arguments.of(b, l)));
    }

    @ParameterizedTest
    @MethodSource("backendsAndLayouts")
    void shouldReleaseEachKeysRecordsInArrivalOrderWhetherOnTheHeapOrInState(StateBackends backend, Layout layout)
            throws Exception {
        List<StreamRecord<String>> in = input();
        try (var h = harness(backend, layout, BatchedListState.DEFAULT_MAX_ON_HEAP, 1, 0, null, 0)) {
            Holder op = (Holder) h.getOperator();
            int last = -1;
            for (int i = 0; i < in.size(); i++) {
                h.processElement(in.get(i));
                if (i == 20 || i == 40 || i == 100) {
                    // mid-minute: what is on the heap goes to state as one batch per key and minute
                    assertThat(op.held.onHeap()).as("on the heap before the snapshot")
                            .isEqualTo(backend == StateBackends.ROCKSDB ? i - last : 0);
                    last = i;
                    h.snapshot(i, i);
                    assertThat(op.held.onHeap()).isZero();
                }
            }
            assertThat(op.held.flushes()).isEqualTo(backend == StateBackends.ROCKSDB ? 3 : 0);
            h.processWatermark(new Watermark(MIN - 1));
            List<String> first = emitted(h);
            assertThat(first).hasSize(60);
            h.processWatermark(new Watermark(2 * MIN - 1));
            List<String> out = new ArrayList<>(first);
            out.addAll(emitted(h));
            for (String k : List.of("k0", "k1", "k2")) {
                assertThat(ofKey(out, k)).as(k).isEqualTo(expected(in, k));
            }
            assertThat(op.held.onHeap()).isZero();
            if (backend == StateBackends.HEAP) {
                assertThat(h.numKeyedStateEntries()).as("nothing left in state").isZero();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backendsAndLayouts")
    void shouldGiveTheFailureFreeOutputAfterARestoreMidMinuteRescaledFromOneToTwo(StateBackends backend, Layout layout)
            throws Exception {
        List<StreamRecord<String>> in = input();
        List<String> failureFree;
        try (var h = harness(backend, Layout.LIST, BatchedListState.DEFAULT_MAX_ON_HEAP, 1, 0, null, 0)) {
            for (StreamRecord<String> r : in) {
                h.processElement(r);
            }
            h.processWatermark(new Watermark(2 * MIN - 1));
            failureFree = emitted(h);
        }
        OperatorSubtaskState snapshot;
        List<String> out = new ArrayList<>();
        try (var h = harness(backend, layout, BatchedListState.DEFAULT_MAX_ON_HEAP, 1, 0, null, 0)) {
            for (int i = 0; i < 70; i++) {
                h.processElement(in.get(i));
                if (i == 50) {
                    h.processWatermark(new Watermark(MIN - 1));
                    out.addAll(emitted(h));
                }
            }
            snapshot = h.snapshot(1, 1);
            // records after the snapshot are lost with the failure, and read again after the restore
            for (int i = 70; i < 90; i++) {
                h.processElement(in.get(i));
            }
        }
        List<KeyedOneInputStreamOperatorTestHarness<String, String, String>> subtasks = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            subtasks.add(harness(backend, layout, BatchedListState.DEFAULT_MAX_ON_HEAP, 2, s, snapshot, 1));
        }
        for (int i = 70; i < in.size(); i++) {
            String k = key(in.get(i).getValue());
            subtasks.get(KeyGroupRangeAssignment.assignKeyToParallelOperator(k, MAX_PARALLELISM, 2)).processElement(in.get(i));
        }
        for (var h : subtasks) {
            h.processWatermark(new Watermark(2 * MIN - 1));
            out.addAll(emitted(h));
            h.close();
        }
        assertThat(out).hasSameSizeAs(failureFree);
        for (String k : List.of("k0", "k1", "k2")) {
            assertThat(ofKey(out, k)).as(k).isEqualTo(ofKey(failureFree, k));
        }
    }

    @Test
    void shouldFlushEveryBufferPastTheHeapBoundAndKeepTheOrder() throws Exception {
        List<StreamRecord<String>> in = input();
        try (var h = harness(StateBackends.ROCKSDB, 7, 1, 0, null, 0)) {
            Holder op = (Holder) h.getOperator();
            for (int i = 0; i < 60; i++) {
                h.processElement(in.get(i));
                assertThat(op.held.onHeap()).isLessThanOrEqualTo(7);
            }
            assertThat(op.held.flushes()).isEqualTo(60 / 8);
            h.processWatermark(new Watermark(MIN - 1));
            List<String> out = emitted(h);
            for (String k : List.of("k0", "k1", "k2")) {
                assertThat(ofKey(out, k)).as(k).isEqualTo(expected(in.subList(0, 60), k));
            }
        }
    }

    /**
     * Chunked on RocksDB, a key's minute is taken a chunk at a time, each at most the heap bound (the
     * flushes past it and at snapshots wrote them), in arrival order; a part put back comes first again.
     */
    @Test
    void shouldTakeAChunkedListAChunkAtATimeNoLargerThanTheHeapBoundInArrivalOrder() throws Exception {
        List<StreamRecord<String>> in = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            in.add(new StreamRecord<>("k" + (i % 3) + ":" + i, i * 100L)); // all within the first minute
        }
        try (var h = harness(StateBackends.ROCKSDB, Layout.CHUNKED, 7, 1, 0, null, 0)) {
            Holder op = (Holder) h.getOperator();
            for (int i = 0; i < in.size(); i++) {
                h.processElement(in.get(i));
                if (i == 150) {
                    h.snapshot(1, 1);
                }
            }
            op.setCurrentKey("k0");
            BatchedListState.Chunk<String> c = op.held.takeChunk(0);
            assertThat(c.more()).isTrue();
            assertThat(c.records()).isNotEmpty().hasSizeLessThanOrEqualTo(7).first().isEqualTo("k0:0");
            op.held.putBack(0, c.records());
            h.processWatermark(new Watermark(MIN - 1));
            List<String> out = emitted(h);
            for (String k : List.of("k0", "k1", "k2")) {
                assertThat(ofKey(out, k)).as(k).isEqualTo(expected(in, k));
            }
            assertThat(op.takes).as("every part within the heap bound, none empty but the last of a key")
                    .allMatch(n -> n <= 7).hasSizeGreaterThan(300 / 7);
            assertThat(op.held.onHeap()).isZero();
        }
    }

    /**
     * A flush writes a key's buffer in pieces of at most {@link BatchedListState#MAX_RECORDS_PER_WRITE}
     * records, whatever the heap bound (a value past half of G1's region is allocated in the old
     * generation): chunked, every part taken is that small; a part of more than that put back is put back
     * in pieces, in front and in order; in both layouts each key's records come out in arrival order.
     */
    @ParameterizedTest
    @EnumSource(Layout.class)
    void shouldWriteABufferInPiecesOfAtMostTheWriteBoundInArrivalOrder(Layout layout) throws Exception {
        int bound = BatchedListState.MAX_RECORDS_PER_WRITE;
        List<StreamRecord<String>> in = new ArrayList<>();
        for (int i = 0; i < 3 * bound + 17; i++) {
            in.add(new StreamRecord<>("k" + (i % 2) + ":" + i, i)); // all within the first minute
        }
        try (var h = harness(StateBackends.ROCKSDB, layout, 10_000, 1, 0, null, 0)) {
            Holder op = (Holder) h.getOperator();
            for (StreamRecord<String> r : in) {
                h.processElement(r);
            }
            h.snapshot(1, 1); // one flush: each key's buffer of 392 records
            assertThat(op.held.flushes()).isEqualTo(1);
            if (layout == Layout.CHUNKED) {
                op.setCurrentKey("k0");
                BatchedListState.Chunk<String> first = op.held.takeChunk(0);
                BatchedListState.Chunk<String> second = op.held.takeChunk(0);
                assertThat(first.records()).hasSize(bound).first().isEqualTo("k0:0");
                List<String> both = new ArrayList<>(first.records());
                both.addAll(second.records());
                op.held.putBack(0, both);
            }
            h.processWatermark(new Watermark(MIN - 1));
            List<String> out = emitted(h);
            for (String k : List.of("k0", "k1")) {
                assertThat(ofKey(out, k)).as(k).isEqualTo(expected(in, k));
            }
            if (layout == Layout.CHUNKED) {
                int k0 = (in.size() + 1) / 2;
                assertThat(op.takes).as("each key in a full piece and its remainder, k0's put back as it was written")
                        .containsExactlyInAnyOrder(bound, k0 - bound, bound, in.size() - k0 - bound);
            }
        }
    }

    /**
     * A savepoint of the list layout restores into the chunked one (the limiter's held records before
     * chunks): the list's records come first, then the chunks written since, in arrival order.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldReadTheListLayoutFirstAfterARestoreIntoChunks(StateBackends backend) throws Exception {
        List<StreamRecord<String>> in = input();
        OperatorSubtaskState listed;
        try (var h = harness(backend, Layout.LIST, 5, 1, 0, null, 0)) {
            for (int i = 0; i < 40; i++) {
                h.processElement(in.get(i));
            }
            listed = h.snapshot(1, 1);
        }
        try (var h = harness(backend, Layout.CHUNKED, 5, 1, 0, listed, 1)) {
            for (int i = 40; i < in.size(); i++) {
                h.processElement(in.get(i));
                if (i == 50) {
                    h.snapshot(2, 2);
                }
            }
            h.processWatermark(new Watermark(2 * MIN - 1));
            List<String> out = emitted(h);
            for (String k : List.of("k0", "k1", "k2")) {
                assertThat(ofKey(out, k)).as(k).isEqualTo(expected(in, k));
            }
            if (backend == StateBackends.HEAP) {
                assertThat(h.numKeyedStateEntries()).as("nothing left in state").isZero();
            }
        }
    }

    @Test
    void shouldRefuseANonPositiveHeapBound() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BatchedListState<String>(null, null, true, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOnHeap");
    }
}
