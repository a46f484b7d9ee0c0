package org.otlpanalytics.jobs.bench.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.bench.ProcStat;

class CompilerThreadsCpuTest {

    @Test
    void shouldReadUserAndSystemTicksPastANameWithSpacesAndParentheses() {
        String stat = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 4194368 120 0 0 0 731 42 0 0 20 0 24 0 1000 0 0";
        assertThat(ProcStat.parse(stat).ticks()).isEqualTo(773);
        assertThat(CompilerThreadsCpu.isCompiler(ProcStat.parse(stat).name())).isTrue();
        assertThat(ProcStat.parse("7 (a (b) c) R 1 2 3 4 5 6 7 8 9 10 5 6 0 0").ticks()).isEqualTo(11);
        assertThat(CompilerThreadsCpu.isCompiler("a (b) c")).isFalse();
        assertThat(CompilerThreadsCpu.isCompiler("C1 CompilerThre")).isTrue();
    }

    @Test
    void shouldCountTheCompilersWorkWhereThereIsProc() {
        if (!Files.isDirectory(Path.of("/proc/self/task"))) {
            assertThat(CompilerThreadsCpu.nanos()).isEqualTo(-1);
            return;
        }
        long before = CompilerThreadsCpu.nanos();
        // a JVM that has run JUnit has compiled; new code to compile makes the count grow or stay
        long sum = 0;
        for (int i = 0; i < 20_000_000; i++) {
            sum += Long.toString(i).hashCode();
        }
        long after = CompilerThreadsCpu.nanos();
        assertThat(sum).isNotZero();
        assertThat(before).isPositive();
        assertThat(after).isGreaterThanOrEqualTo(before);
    }
}
