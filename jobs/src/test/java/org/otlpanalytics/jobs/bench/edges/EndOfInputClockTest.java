package org.otlpanalytics.jobs.bench.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

class EndOfInputClockTest {

    @Test
    void shouldPassEveryRecordAndMarkTheEndOfInputBeforeTheJobEnds() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(2);
        long before = System.currentTimeMillis();
        long cpuBefore = EdgePairingBenchmark.processCpuNanos();
        var numbers = env.fromData(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L)).returns(Types.LONG);
        numbers.transform("clock", Types.LONG, new EndOfInputClock<Long>("counted"))
                .map(new Counting()).returns(Types.LONG)
                .sinkTo(new DiscardingSink<>());
        // a second clock chained in the same tasks: its own accumulators
        numbers.transform("clock-2", Types.LONG, new EndOfInputClock<Long>("other")).sinkTo(new DiscardingSink<>());
        JobExecutionResult r = env.execute("end-of-input-clock");
        long after = System.currentTimeMillis();
        Long end = EndOfInputClock.latest(r.getAllAccumulatorResults(), EndOfInputClock.WALL_ACCUMULATOR);
        Long cpu = EndOfInputClock.latest(r.getAllAccumulatorResults(), EndOfInputClock.CPU_ACCUMULATOR);
        assertThat(r.getAllAccumulatorResults()).containsKeys(EndOfInputClock.WALL_ACCUMULATOR + "/counted",
                EndOfInputClock.WALL_ACCUMULATOR + "/other");
        Long passed = r.getAccumulatorResult(Counting.ACCUMULATOR);
        assertThat(passed).isEqualTo(7L);
        assertThat(end).isBetween(before, after);
        assertThat(cpu).isGreaterThanOrEqualTo(cpuBefore);
    }

    /** Counts the records that came through. */
    static final class Counting extends RichMapFunction<Long, Long> {
        static final String ACCUMULATOR = "passed";
        private transient LongCounter passed;

        @Override
        public void open(OpenContext openContext) {
            passed = new LongCounter();
            getRuntimeContext().addAccumulator(ACCUMULATOR, passed);
        }

        @Override
        public Long map(Long value) {
            passed.add(1);
            return value;
        }
    }
}
