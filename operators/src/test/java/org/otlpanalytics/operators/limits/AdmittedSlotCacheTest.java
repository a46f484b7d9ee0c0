package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.operators.testing.StateBackends;

/** The admitted sets on the heap between checkpoints: keyed state is the truth at every snapshot, the heap bounded. */
class AdmittedSlotCacheTest {
    static final long SLOT = 60_000L;

    /** Admits {@code member} of an input {@code scope/member} into its scope's set of slot 0, through a cache. */
    static final class Admitter extends KeyedProcessFunction<String, String, String>
            implements WatermarkHorizon.Aware, HorizonKeyedProcessOperator.KeyContextAware, CheckpointedFunction {
        private final long maxMembers;
        private transient WatermarkHorizon horizon;
        private transient KeyContext keys;
        private transient boolean backendCopies;
        transient KeyedWindows<AdmittedSlot> windows;
        transient AdmittedSlotCache cache;

        Admitter(long maxMembers) {
            this.maxMembers = maxMembers;
        }

        @Override
        public void setWatermarkHorizon(WatermarkHorizon horizon) {
            this.horizon = horizon;
        }

        @Override
        public void setKeyContext(KeyContext keys, boolean backendCopies) {
            this.keys = keys;
            this.backendCopies = backendCopies;
        }

        @Override
        public void open(OpenContext openContext) {
            windows = new KeyedWindows<>(new EpochWindows(SLOT, 0), getRuntimeContext().getMapState(
                    new MapStateDescriptor<>("slots", LongSerializer.INSTANCE, new AdmittedSlot.Serializer())), horizon);
            cache = new AdmittedSlotCache(windows, keys, backendCopies, maxMembers);
        }

        @Override
        public void processElement(String in, Context ctx, Collector<String> out) throws Exception {
            String scope = ctx.getCurrentKey();
            String member = in.substring(in.indexOf('/') + 1);
            AdmittedSlot w = cache.get(scope, 0);
            if (w == null) {
                w = new AdmittedSlot();
                w.admitted.put((long) member.hashCode(), member);
                cache.create(scope, 0, w, ctx.timerService());
            } else if (w.admitted.putIfAbsent((long) member.hashCode(), member) == null) {
                cache.update(scope, 0, w);
            }
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            cache.flush();
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}
    }

    static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(StateBackends backend, long maxMembers,
            OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, String, String>(
                new HorizonKeyedProcessOperator<>(new Admitter(maxMembers)), s -> s.substring(0, s.indexOf('/')), Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static Admitter admitter(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        return (Admitter) ((HorizonKeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction();
    }

    /** The set of {@code scope} in slot 0 as keyed state holds it (not the cache). */
    static AdmittedSlot inState(KeyedOneInputStreamOperatorTestHarness<String, String, String> h, String scope) throws Exception {
        h.getOperator().setCurrentKey(scope);
        return admitter(h).windows.get(0);
    }

    @Test
    void shouldWriteChangedSetsToKeyedStateAtTheCheckpointOnlyOnRocksDb() throws Exception {
        var h = harness(StateBackends.ROCKSDB, 1000, null);
        for (int i = 0; i < 5; i++) {
            h.processElement(new StreamRecord<>("t/m" + i, 10));
        }
        assertThat(inState(h, "t").admitted.values()).as("written at creation, not per admission").containsExactly("m0");
        assertThat(admitter(h).cache.size()).isEqualTo(1);
        var snapshot = h.snapshot(1, 1);
        assertThat(inState(h, "t").admitted).hasSize(5);
        h.close();

        var restored = harness(StateBackends.ROCKSDB, 1000, snapshot);
        assertThat(admitter(restored).cache.size()).as("a restore starts empty").isZero();
        restored.processElement(new StreamRecord<>("t/m5", 20));
        assertThat(admitter(restored).cache.get("t", 0).admitted).hasSize(6);
        restored.close();
    }

    /** A rescale from a snapshot taken while every set had changes only on the heap: each subtask reads its scopes' whole sets. */
    @Test
    void shouldRestoreTheSetsOfTheLastCheckpointAtAnyParallelism() throws Exception {
        var h = StateBackends.ROCKSDB.apply(new KeyedOneInputStreamOperatorTestHarness<String, String, String>(
                new HorizonKeyedProcessOperator<>(new Admitter(1000)), s -> s.substring(0, s.indexOf('/')), Types.STRING, 128, 1, 0));
        h.open();
        String[] scopes = {"a", "b", "c", "d", "e", "f"};
        for (String scope : scopes) {
            for (int i = 0; i < 3; i++) {
                h.processElement(new StreamRecord<>(scope + "/m" + i, 10));
            }
        }
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        int restored = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            var r = StateBackends.ROCKSDB.apply(new KeyedOneInputStreamOperatorTestHarness<String, String, String>(
                    new HorizonKeyedProcessOperator<>(new Admitter(1000)), s -> s.substring(0, s.indexOf('/')), Types.STRING,
                    128, 2, subtask));
            r.initializeState(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                    .repartitionOperatorState(snapshot, 128, 1, 2, subtask));
            r.open();
            for (String scope : scopes) {
                if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(scope, 128, 2) == subtask) {
                    assertThat(inState(r, scope).admitted.values()).as(scope).containsExactlyInAnyOrder("m0", "m1", "m2");
                    restored++;
                }
            }
            r.close();
        }
        assertThat(restored).isEqualTo(scopes.length);
    }

    @Test
    void shouldWriteBackAndDropTheLeastRecentlyUsedSetsBeyondTheCap() throws Exception {
        var h = harness(StateBackends.ROCKSDB, 10, null);
        for (String scope : new String[] {"a", "b", "c", "d"}) {
            for (int i = 0; i < 4; i++) {
                h.processElement(new StreamRecord<>(scope + "/m" + i, 10));
            }
        }
        Admitter a = admitter(h);
        assertThat(a.cache.weight()).as("members + 1 per set, at most the cap").isLessThanOrEqualTo(10);
        assertThat(a.cache.size()).isEqualTo(2);
        for (String scope : new String[] {"a", "b"}) {
            assertThat(inState(h, scope).admitted).as("dropped sets are written back").hasSize(4);
        }
        h.close();
    }

    @Test
    void shouldWriteBackBeforeATimerReadsTheSet() throws Exception {
        var h = harness(StateBackends.ROCKSDB, 1000, null);
        h.processElement(new StreamRecord<>("t/m0", 10));
        h.processElement(new StreamRecord<>("t/m1", 10));
        h.getOperator().setCurrentKey("t");
        admitter(h).cache.writeBack("t", 0);
        assertThat(admitter(h).cache.size()).isZero();
        assertThat(inState(h, "t").admitted).hasSize(2);
        h.close();
    }

    @Test
    void shouldGoStraightToKeyedStateOnTheHeapBackend() throws Exception {
        var h = harness(StateBackends.HEAP, 1000, null);
        h.processElement(new StreamRecord<>("t/m0", 10));
        h.processElement(new StreamRecord<>("t/m1", 10));
        assertThat(admitter(h).cache.size()).isZero();
        assertThat(inState(h, "t").admitted).hasSize(2);
        h.close();
    }
}
