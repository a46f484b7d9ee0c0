package org.otlpanalytics.jobs.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The soak's Flink cluster as a child process ({@link SoakTaskManager}) with a fixed heap
 * ({@code -Xms = -Xmx}), the G1 collector a TaskManager uses by default and an exit on
 * OutOfMemoryError (a soak that runs out of heap ends, it does not limp). Its probes arrive on
 * {@link #probes()}; everything else it writes goes to {@code log}.
 */
final class TaskManagerProcess implements AutoCloseable {
    static final int EXIT_GRACE_SECONDS = 15;
    private final Process process;
    private final BlockingQueue<ProbeLine> probes = new LinkedBlockingQueue<>();

    private TaskManagerProcess(Process process, Path log) throws IOException {
        this.process = process;
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    ProbeLine p = ProbeLine.parse(line);
                    if (p != null) {
                        probes.add(p);
                    } else {
                        out.println(line);
                    }
                }
            } catch (IOException e) {
                out.println("soak: reading the TaskManager's output failed: " + e);
            }
        }, "soak-taskmanager-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the child JVM with {@code heapMb} of heap, then {@code javaOpts} (after the soak's own,
     * so they may override them), and {@code args} for {@link SoakTaskManager}.
     */
    static TaskManagerProcess start(int heapMb, List<String> javaOpts, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + heapMb + "m");
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        for (String pkg : new String[] {"java.util", "java.lang", "java.nio", "sun.nio.ch", "java.lang.reflect", "java.io"}) {
            cmd.add("--add-opens");
            cmd.add("java.base/" + pkg + "=ALL-UNNAMED");
        }
        cmd.addAll(javaOpts);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SoakTaskManager.class.getName());
        cmd.addAll(args);
        Path err = log.resolveSibling(log.getFileName() + ".stderr");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        return new TaskManagerProcess(p, log);
    }

    /** The next probe, or null after {@code timeoutMillis}. */
    ProbeLine next(long timeoutMillis) throws InterruptedException {
        return probes.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Ends the process: a soak keeps nothing of the job (its rows are counted before). First asked to
     * exit ({@code SIGTERM}: the JVM's exit hooks run, so a flight recording started with
     * {@code --taskmanager-java-opts -XX:StartFlightRecording=...,dumponexit=true} is written), killed
     * after {@value #EXIT_GRACE_SECONDS} s.
     */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(EXIT_GRACE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
