package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.testing.StateBackends;

/** The admission's service sets on the heap between checkpoints: keyed state is the truth at every snapshot. */
class ServiceSetCacheTest {
    static final String KEY = "all";

    /** Input {@code set/member} or {@code -set}: adds the member to the named set, or removes the set, through a cache. */
    static final class SetWriter extends KeyedProcessFunction<String, String, String> implements CheckpointedFunction {
        private final boolean enabled;
        private final long maxMembers;
        transient MapState<String, AdmittedSlot> state;
        transient ServiceSetCache cache;

        SetWriter(boolean enabled, long maxMembers) {
            this.enabled = enabled;
            this.maxMembers = maxMembers;
        }

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getMapState(new MapStateDescriptor<>("sets", StringSerializer.INSTANCE, new AdmittedSlot.Serializer()));
            cache = new ServiceSetCache(state, enabled, maxMembers);
        }

        @Override
        public void processElement(String in, Context ctx, Collector<String> out) throws Exception {
            if (in.startsWith("-")) {
                cache.remove(in.substring(1));
                return;
            }
            String set = in.substring(0, in.indexOf('/'));
            String member = in.substring(in.indexOf('/') + 1);
            AdmittedSlot s = cache.get(set);
            if (s == null) {
                s = new AdmittedSlot();
            }
            if (s.admitted.putIfAbsent((long) member.hashCode(), member) == null) {
                cache.put(set, s);
            }
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            cache.flush();
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}
    }

    static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(StateBackends backend, boolean enabled,
            long maxMembers, OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, String, String>(
                new KeyedProcessOperator<>(new SetWriter(enabled, maxMembers)), s -> KEY, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        h.getOperator().setCurrentKey(KEY);
        return h;
    }

    static SetWriter writer(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        return (SetWriter) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction();
    }

    /** A set as keyed state holds it (not the cache). */
    static AdmittedSlot inState(KeyedOneInputStreamOperatorTestHarness<String, String, String> h, String set) throws Exception {
        h.getOperator().setCurrentKey(KEY);
        return writer(h).state.get(set);
    }

    @Test
    void shouldKeepChangesOnTheHeapUntilTheCheckpointAndRestoreThem() throws Exception {
        var h = harness(StateBackends.ROCKSDB, true, 100_000, null);
        for (int i = 0; i < 5; i++) {
            h.processElement(new StreamRecord<>("m1/s" + i, 10));
        }
        assertThat(inState(h, "m1")).as("not written per change").isNull();
        assertThat(writer(h).cache.get("m1").admitted).hasSize(5);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        assertThat(inState(h, "m1").admitted.values()).containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4");
        h.close();

        var restored = harness(StateBackends.ROCKSDB, true, 100_000, snapshot);
        restored.processElement(new StreamRecord<>("m1/s5", 20));
        assertThat(writer(restored).cache.get("m1").admitted).as("read from the restored state, then changed").hasSize(6);
        restored.close();
    }

    @Test
    void shouldRemoveASetFromTheHeapAndTheState() throws Exception {
        var h = harness(StateBackends.ROCKSDB, true, 100_000, null);
        h.processElement(new StreamRecord<>("m1/s0", 10));
        h.snapshot(1, 1);
        h.processElement(new StreamRecord<>("m1/s1", 10));
        h.processElement(new StreamRecord<>("-m1", 10));
        assertThat(writer(h).cache.get("m1")).isNull();
        h.snapshot(2, 2);
        assertThat(inState(h, "m1")).as("a removed set's pending change is not written back").isNull();
        h.close();
    }

    @Test
    void shouldWriteBackAndDropTheSetsPastTheCap() throws Exception {
        var h = harness(StateBackends.ROCKSDB, true, 100, null);
        // the cap is checked every 1,024 changes: 1,100 sets of one member each pass 100 members
        for (int i = 0; i < 1100; i++) {
            h.processElement(new StreamRecord<>("m" + i + "/s", 10));
        }
        assertThat(inState(h, "m0").admitted.values()).as("written back when the heap held more than the cap").containsExactly("s");
        assertThat(inState(h, "m1023").admitted.values()).containsExactly("s");
        assertThat(inState(h, "m1099")).as("changed after the write-back: on the heap only").isNull();
        h.snapshot(1, 1);
        assertThat(inState(h, "m1099").admitted.values()).containsExactly("s");
        h.close();
    }

    @Test
    void shouldGoStraightToTheStateWhenOff() throws Exception {
        var h = harness(StateBackends.HEAP, false, 100_000, null);
        h.processElement(new StreamRecord<>("m1/s0", 10));
        h.processElement(new StreamRecord<>("m1/s1", 10));
        assertThat(inState(h, "m1").admitted).hasSize(2);
        h.close();
    }
}
