package org.otlpanalytics.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MachineCpu} on a {@code /proc} written by the test (the oracle: shares worked out by hand
 * from the ticks written), and once on this machine's own {@code /proc}.
 */
class MachineCpuTest {
    @TempDir
    Path proc;

    @Test
    void attributesTicksByNameAndProcessTreeAndSharesTheirGrowth() throws IOException {
        MachineCpu cpu = new MachineCpu(proc, 100, 50);
        // machine: 1000 ticks so far, 400 of them idle (300 idle + 100 iowait)
        write(1000, 300, 100);
        process(50, 1, "java", 40);                 // the launcher
        process(100, 50, "java", 200);              // the TaskManager, a child of the launcher
        process(101, 100, "sh", 10);                // a child of the TaskManager: the TaskManager's
        process(200, 1, "postgres", 30);
        process(201, 200, "postgres", 20);
        process(300, 50, "clickhouse-serv", 60);    // started by the launcher, but named: clickhouse
        process(400, 1, "weird ) (name", 70);       // other
        MachineCpu.Reading a = cpu.read();
        assertThat(a.processes()).containsOnlyKeys(50L, 100L, 101L, 200L, 201L, 300L);
        assertThat(a.processes().get(300L).group()).isEqualTo(MachineCpu.CLICKHOUSE);
        assertThat(a.processes().get(101L).group()).isEqualTo(MachineCpu.TASKMANAGER);

        // 200 ticks later, 150 busy: TaskManager +90 and +10, launcher +5, postgres +10 (backend 201 ended:
        // what it used meanwhile is unknown, so other's), clickhouse +15 and a new server's 5, the rest other
        write(1200, 340, 110);
        process(50, 1, "java", 45);
        process(100, 50, "java", 290);
        process(101, 100, "sh", 20);
        process(200, 1, "postgres", 40);
        Files.delete(proc.resolve("201/stat"));
        Files.delete(proc.resolve("201"));
        process(300, 50, "clickhouse-serv", 75);
        process(400, 1, "weird ) (name", 75);
        process(500, 1, "clickhouse-serv", 5);      // new since the first reading: counts whole
        MachineCpu.Reading b = cpu.read();
        assertThat(b.ticksSince(a)).containsExactly(entry(MachineCpu.TASKMANAGER, 100L), entry(MachineCpu.LAUNCHER, 5L),
                entry(MachineCpu.POSTGRES, 10L), entry(MachineCpu.CLICKHOUSE, 20L), entry(MachineCpu.OTHER, 150L - 135),
                entry(MachineCpu.IDLE, 50L));
        Map<String, Double> shares = b.sharesSince(a);
        assertThat(shares.keySet()).containsExactlyElementsOf(MachineCpu.GROUPS);
        assertThat(shares.get(MachineCpu.TASKMANAGER)).isCloseTo(0.5, within(1e-9));
        assertThat(shares.get(MachineCpu.IDLE)).isCloseTo(0.25, within(1e-9));
        assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(b.secondsSince(a, MachineCpu.TASKMANAGER)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void givesNoSharesOverLessThanOneCoreSecond() throws IOException {
        MachineCpu cpu = new MachineCpu(proc, 1, 2);
        write(1000, 300, 0);
        MachineCpu.Reading a = cpu.read();
        write(1000 + MachineCpu.MIN_TICKS - 1, 300, 0);
        assertThat(cpu.read().sharesSince(a)).isEmpty();
        write(1000 + MachineCpu.MIN_TICKS, 300, 0);
        assertThat(cpu.read().sharesSince(a)).containsEntry(MachineCpu.OTHER, 1.0);
    }

    @Test
    void measuresNothingWithoutProcStat() {
        MachineCpu cpu = new MachineCpu(proc.resolve("absent"), 1, 2);
        assertThat(cpu.available()).isFalse();
        assertThat(cpu.read().sharesSince(cpu.read())).isEmpty();
    }

    @Test
    void seesThisJvmAsTheLauncherOnThisMachine() throws Exception {
        MachineCpu cpu = MachineCpu.of(-1);
        if (!Files.isReadable(Path.of("/proc/stat"))) {
            assertThat(cpu.available()).isFalse();
            return;
        }
        MachineCpu.Reading a = cpu.read();
        long spin = System.nanoTime() + 800_000_000L;
        long x = 0;
        while (System.nanoTime() < spin) {
            x += Long.hashCode(x * 31 + 7);
        }
        MachineCpu.Reading b = cpu.read();
        assertThat(x).isNotZero();
        assertThat(b.totalTicks()).isGreaterThan(a.totalTicks());
        assertThat(b.secondsSince(a, MachineCpu.LAUNCHER)).as("this JVM spun 0.8 s").isGreaterThan(0.3);
        assertThat(b.sharesSince(a).values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(0.05));
    }

    private void write(long total, long idle, long iowait) throws IOException {
        long user = total - idle - iowait;
        Files.writeString(proc.resolve("stat"), "cpu  " + user + " 0 0 " + idle + " " + iowait + " 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
    }

    private void process(long pid, long ppid, String name, long ticks) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        long utime = ticks * 3 / 4;
        Files.writeString(dir.resolve("stat"), pid + " (" + name + ") S " + ppid + " 1 1 0 -1 4194560 100 0 0 0 " + utime + " " + (ticks - utime)
                + " 0 0 20 0 10 0 1234 0 0\n");
    }
}
