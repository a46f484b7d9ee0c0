package org.otlpanalytics.operators.common.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
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
import org.junit.jupiter.params.provider.EnumSource;
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

    /** Holds "key:value" records per minute of their timestamp; at the minute's end emits "key=value" in order. */
    static final class Holder extends AbstractStreamOperator<String>
            implements OneInputStreamOperator<String, String>, Triggerable<String, VoidNamespace> {
        private final int maxOnHeap;
        transient BatchedListState<String> held;
        private transient InternalTimerService<VoidNamespace> timers;

        Holder(int maxOnHeap) {
            this.maxOnHeap = maxOnHeap;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void open() throws Exception {
            super.open();
            held = new BatchedListState<>((InternalListState<String, Long, String>) getOrCreateKeyedState(LongSerializer.INSTANCE,
                    new ListStateDescriptor<>("held", StringSerializer.INSTANCE)), this,
                    getKeyedStateBackend().isSafeToReuseKVState(), maxOnHeap);
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
            for (String v : held.take(timer.getTimestamp() / MIN * MIN)) {
                output.collect(new StreamRecord<>(v, timer.getTimestamp()));
            }
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
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(new Holder(maxOnHeap), BatchedListStateTest::key,
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

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldReleaseEachKeysRecordsInArrivalOrderWhetherOnTheHeapOrInState(StateBackends backend) throws Exception {
        List<StreamRecord<String>> in = input();
        try (var h = harness(backend, BatchedListState.DEFAULT_MAX_ON_HEAP, 1, 0, null, 0)) {
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
    @EnumSource(StateBackends.class)
    void shouldGiveTheFailureFreeOutputAfterARestoreMidMinuteRescaledFromOneToTwo(StateBackends backend) throws Exception {
        List<StreamRecord<String>> in = input();
        List<String> failureFree;
        try (var h = harness(backend, BatchedListState.DEFAULT_MAX_ON_HEAP, 1, 0, null, 0)) {
            for (StreamRecord<String> r : in) {
                h.processElement(r);
            }
            h.processWatermark(new Watermark(2 * MIN - 1));
            failureFree = emitted(h);
        }
        OperatorSubtaskState snapshot;
        List<String> out = new ArrayList<>();
        try (var h = harness(backend, BatchedListState.DEFAULT_MAX_ON_HEAP, 1, 0, null, 0)) {
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
            subtasks.add(harness(backend, BatchedListState.DEFAULT_MAX_ON_HEAP, 2, s, snapshot, 1));
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

    @Test
    void shouldRefuseANonPositiveHeapBound() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BatchedListState<String>(null, null, true, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOnHeap");
    }
}
