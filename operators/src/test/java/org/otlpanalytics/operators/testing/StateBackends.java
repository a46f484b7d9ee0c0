package org.otlpanalytics.operators.testing;

import java.util.stream.Stream;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/**
 * The state backends operator tests run on: the heap ({@code hashmap}) and RocksDB, which
 * production uses and where every state access serializes, so an object changed after
 * {@code value()} without {@code update()} is lost there and only there.
 *
 * <pre>{@code
 * @ParameterizedTest @EnumSource(StateBackends.class)
 * void test(StateBackends backend) { var h = ...; backend.apply(h); h.open(); ... }
 * }</pre>
 */
public enum StateBackends {
    HEAP,
    ROCKSDB;

    public StateBackend create() {
        return this == HEAP ? new HashMapStateBackend() : new EmbeddedRocksDBStateBackend();
    }

    /** Sets this backend on a harness (before {@code initializeState}/{@code open}). */
    public <H extends AbstractStreamOperatorTestHarness<?>> H apply(H harness) throws Exception {
        harness.setStateBackend(create());
        return harness;
    }

    public static Stream<StateBackends> all() {
        return Stream.of(values());
    }
}
