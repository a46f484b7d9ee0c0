package org.otlpanalytics.jobs.bench.edges;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM's JIT compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}),
 * read from Linux's {@code /proc/self/task}. Why: the JVM's own count
 * ({@code CompilationMXBean.getTotalCompilationTime}) is the compilations' elapsed time summed over
 * the compiler threads, so on a loaded machine it grows with the time a compiler thread waits for
 * a core (one run of 6 December 2026 at load 40: 19.4 s of "JIT" in a whole-pipeline run whose
 * process used 33 s of CPU; 1.7 s in the same run at load 5). A compiler thread that has ended
 * takes its CPU time with it; with two cores the JVM keeps one thread of each compiler.
 */
final class CompilerThreadsCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Linux's USER_HZ, the unit of {@code utime} and {@code stime} in {@code stat}. */
    private static final long TICK_NANOS = 10_000_000L;

    private CompilerThreadsCpu() {}

    /** CPU nanoseconds of the compiler threads alive now, or -1 where there is no {@code /proc}. */
    static long nanos() {
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        ticks += cpuTicks(Files.readString(t.resolve("stat")));
                    }
                } catch (IOException ended) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * TICK_NANOS;
    }

    /** utime + stime (fields 14 and 15) of a {@code stat} line; the name field may hold spaces. */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state), so field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
