package org.otlpanalytics.jobs.bench.edges;

import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Passes records through and records, per subtask, the wall-clock time and the process CPU time
 * at which its input ended (the latest subtask wins): placed in front of every sink of a bounded
 * benchmark run, it marks when the last result was delivered.
 *
 * <p>Why not the end of the job: with checkpointing on, every task of a bounded job that has
 * delivered all its records then waits for a final checkpoint ({@code
 * execution.checkpointing.checkpoints-after-tasks-finish}), so a job ends after its work. In
 * {@code bench-edges} that tail measured 0.1 to 0.3 s (0.4 to 1.6 s on RocksDB) in runs of 4 to
 * 25 s: small, but it varied and counted as work.
 */
final class EndOfInputClock<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    static final String WALL_ACCUMULATOR = "end-of-input-wall-ms";
    static final String CPU_ACCUMULATOR = "end-of-input-process-cpu-ns";
    /** Told apart per clock (two sinks chained in one task would share their accumulators' names): the latest wins. */
    private final String sink;
    private transient LongMaximum wall;
    private transient LongMaximum cpu;

    /** @param sink the sink it is in front of (one clock per sink) */
    EndOfInputClock(String sink) {
        this.sink = sink;
    }

    @Override
    public void open() throws Exception {
        super.open();
        wall = new LongMaximum();
        cpu = new LongMaximum();
        getRuntimeContext().addAccumulator(WALL_ACCUMULATOR + "/" + sink, wall);
        getRuntimeContext().addAccumulator(CPU_ACCUMULATOR + "/" + sink, cpu);
    }

    /** The latest of the clocks' values of {@code accumulator} in a job's results, or null when none ran. */
    static Long latest(java.util.Map<String, Object> results, String accumulator) {
        Long latest = null;
        for (java.util.Map.Entry<String, Object> e : results.entrySet()) {
            if (e.getKey().startsWith(accumulator + "/") && e.getValue() instanceof Long v) {
                latest = latest == null ? v : Math.max(latest, v);
            }
        }
        return latest;
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void endInput() {
        wall.add(System.currentTimeMillis());
        cpu.add(EdgePairingBenchmark.processCpuNanos());
    }
}
