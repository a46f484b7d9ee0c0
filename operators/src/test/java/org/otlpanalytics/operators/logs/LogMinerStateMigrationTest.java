package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.harness;
import static org.otlpanalytics.operators.logs.FingerprinterHarness.operator;
import static org.otlpanalytics.operators.logs.LogFingerprinterDeterminismTest.sortedOutput;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;

/**
 * State of 0.1 kept a stream's whole mining state in one value ({@code log-miner-state}); a restore
 * reads it, moves it to the index and entries ({@link LogMinerEntries}) and clears it, and the run
 * continues as if nothing had happened.
 */
class LogMinerStateMigrationTest {
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void aStreamInTheOneValueLayoutIsMovedAndContinuesIdentically(StateBackends backend) throws Exception {
        LogPatternOptions o = LogPatternOptions.builder().secondMaxRecords(3).streamIdleTimeout(Duration.ofMinutes(2))
                .fingerprintedLogs(true).build();
        LogFingerprinterDeterminismTest.Input in = LogFingerprinterDeterminismTest.Input.generate();
        var first = harness(o, backend, null);
        in.feed(first, 0, in.cut(), List.of());
        OperatorSubtaskState snap = first.snapshot(1, 1);
        first.close();

        // the same state as 0.1 wrote it: every stream's mining state as one value, no index, no entries
        var written = harness(o, backend, snap);
        KeyedStateBackend<Object> kb = operator(written).getKeyedStateBackend();
        List<Object> keys = kb.getKeys(LogFingerprinter.MINER_INDEX, VoidNamespace.INSTANCE).toList();
        assertThat(keys).isNotEmpty();
        for (Object key : keys) {
            kb.setCurrentKey(key);
            ValueState<byte[]> index = index(kb);
            MapState<Long, byte[]> entries = entries(kb);
            LogMinerState st = LogMinerEntries.read(index.value(), entries::get);
            index.clear();
            entries.clear();
            old(kb).update(st);
        }
        OperatorSubtaskState oldLayout = written.snapshot(2, 2);
        written.close();

        var uninterrupted = harness(o, backend, snap);
        var migrated = harness(o, backend, oldLayout);
        for (var h : List.of(uninterrupted, migrated)) {
            in.feed(h, in.cut(), in.records().size(), in.reReadFirst());
            h.processWatermark(new Watermark(Long.MAX_VALUE));
        }
        assertThat(sortedOutput(migrated)).isNotEmpty().containsExactlyElementsOf(sortedOutput(uninterrupted));
        migrated.snapshot(3, 3);
        uninterrupted.snapshot(3, 3);
        KeyedStateBackend<Object> mb = operator(migrated).getKeyedStateBackend();
        KeyedStateBackend<Object> ub = operator(uninterrupted).getKeyedStateBackend();
        for (Object key : keys) {
            mb.setCurrentKey(key);
            ub.setCurrentKey(key);
            assertThat(old(mb).value()).as("old value cleared").isNull();
            byte[] mi = index(mb).value();
            byte[] ui = index(ub).value();
            if (ui == null) {
                assertThat(mi).isNull();
                continue;
            }
            assertThat(LogMinerEntriesTest.whole(LogMinerEntries.read(mi, entries(mb)::get)))
                    .isEqualTo(LogMinerEntriesTest.whole(LogMinerEntries.read(ui, entries(ub)::get)));
        }
        migrated.close();
        uninterrupted.close();
    }

    private static ValueState<byte[]> index(KeyedStateBackend<Object> kb) throws Exception {
        return kb.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>(LogFingerprinter.MINER_INDEX, BytePrimitiveArraySerializer.INSTANCE));
    }

    private static MapState<Long, byte[]> entries(KeyedStateBackend<Object> kb) throws Exception {
        return kb.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new MapStateDescriptor<>(LogFingerprinter.MINER_ENTRIES, LongSerializer.INSTANCE, BytePrimitiveArraySerializer.INSTANCE));
    }

    private static ValueState<LogMinerState> old(KeyedStateBackend<Object> kb) throws Exception {
        return kb.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>(LogFingerprinter.MINER_STATE, new LogMinerStateSerializer()));
    }
}
