package org.otlpanalytics.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatTest {
    @TempDir
    Path proc;

    @Test
    void fieldsFollowTheLastParenthesisOfTheCommandName() {
        ProcStat s = ProcStat.parse("4242 (Flink (task) 1) S 17 1 1 0 -1 4194560 100 0 0 0 30 12 7 5 20 0 10 0 1234 0 0\n");
        assertThat(s).isEqualTo(new ProcStat(4242, 17, "Flink (task) 1", 42, 12));
    }

    @Test
    void notAStatLineIsNull() {
        assertThat(ProcStat.parse("")).isNull();
        assertThat(ProcStat.parse("12 (x) S 1 1")).isNull();
        assertThat(ProcStat.parse("12 (x) S one 1 1 0 -1 4194560 100 0 0 0 30 12 7 5 20")).isNull();
    }

    @Test
    void aProcessThatIsGoneIsNull() throws Exception {
        Files.createDirectories(proc.resolve("7"));
        assertThat(ProcStat.read(proc, 7)).isNull();
        assertThat(ProcStat.read(proc, 8)).isNull();
    }

    @Test
    void thisJvmsOwnLineNamesItsParentAndItsCpu() {
        ProcessHandle self = ProcessHandle.current();
        ProcStat s = ProcStat.read(Path.of("/proc"), self.pid());
        if (!Files.isReadable(Path.of("/proc/self/stat"))) {
            assertThat(s).isNull();
            return;
        }
        assertThat(s.pid()).isEqualTo(self.pid());
        assertThat(s.ppid()).isEqualTo(self.parent().orElseThrow().pid());
        // a JVM that has run this far has used CPU, counted in clock ticks
        assertThat(s.ticks()).isPositive();
    }
}
