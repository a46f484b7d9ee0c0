package org.otlpanalytics.jobs.bench.edges;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.otlpanalytics.jobs.bench.MachineCpu;
import org.otlpanalytics.jobs.bench.ProcStat;

/**
 * CPU time of this JVM's JIT compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}),
 * read from Linux's {@code /proc/self/task} ({@link ProcStat} per thread). Why: the JVM's own count
 * ({@code CompilationMXBean.getTotalCompilationTime}) is the compilations' elapsed time summed over
 * the compiler threads, so on a loaded machine it grows with the time a compiler thread waits for
 * a core (one run of 6 December 2026 at load 40: 19.4 s of "JIT" in a whole-pipeline run whose
 * process used 33 s of CPU; 1.7 s in the same run at load 5). A compiler thread that has ended
 * takes its CPU time with it; with two cores the JVM keeps one thread of each compiler.
 */
final class CompilerThreadsCpu {
    private static final Path TASKS = Path.of("/proc/self/task");

    private CompilerThreadsCpu() {}

    /** CPU nanoseconds of the compiler threads alive now, or -1 where there is no {@code /proc}. */
    static long nanos() {
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                ProcStat s = ProcStat.read(t.resolve("stat")); // null: the thread ended while we looked
                if (s != null && isCompiler(s.name())) {
                    ticks += s.ticks();
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * (1_000_000_000L / MachineCpu.TICKS_PER_SECOND);
    }

    /** Whether a thread's name (as {@code stat} gives it, cut to 15 characters) is a JIT compiler's. */
    static boolean isCompiler(String threadName) {
        return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
    }
}
