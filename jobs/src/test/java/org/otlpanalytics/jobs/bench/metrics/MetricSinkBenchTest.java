package org.otlpanalytics.jobs.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricSinkBenchTest {
    @Test
    void everyRowLandsOnceAndEveryFigureIsPrintedForEachWrite() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long rows = MetricSinkBench.run(3, 2, 2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        // 3 hosts x 2 minutes x 31 series, written twice into the same rows
        assertThat(rows).isEqualTo(3 * 2 * 31);
        assertThat(out).contains("sink_bench_rows=186\n", "sink_bench_metric_1m_rows=186\n");
        for (String write : new String[] {"insert", "rewrite_1"}) {
            assertThat(out).containsPattern("sink_bench_" + write + "_seconds=\\d+\\.\\d\\d\n")
                    .containsPattern("sink_bench_" + write + "_jvm_cpu_us_per_row=\\d+\\.\\d\\d\n")
                    .containsPattern("sink_bench_" + write + "_server_cpu_us_per_row=(\\d+\\.\\d\\d|NaN)\n");
        }
    }
}
