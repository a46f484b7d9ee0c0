package org.otlpanalytics.tests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A project command run as its own JVM (the launcher's way: {@code java -cp <classpath>
 * org.otlpanalytics.jobs.cli.Main <command> ...}), with the test's classpath; its output lines are
 * collected as they come. Closing it kills the process.
 */
public final class JvmProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private JvmProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                    System.out.println("[child] " + l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code Main <args>} in a new JVM with a 1 GB heap. */
    public static JvmProcess main(String... args) throws IOException {
        return main(List.of("-Xmx1g"), args);
    }

    /** Starts {@code Main <args>} in a new JVM with {@code jvmOptions} (its heap among them). */
    public static JvmProcess main(List<String> jvmOptions, String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "--add-opens", "java.base/java.util=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens", "java.base/java.io=ALL-UNNAMED",
                "-cp", cp, "org.otlpanalytics.jobs.cli.Main"));
        cmd.addAll(List.of(args));
        return new JvmProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    public List<String> lines() {
        return lines;
    }

    /** The first output line matching {@code p}, waiting up to {@code timeout}; fails with the output so far. */
    public String awaitLine(Predicate<String> p, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : lines) {
                if (p.test(l)) {
                    return l;
                }
            }
            if (!process.isAlive() && !reader.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no output line " + what + " within " + timeout.toSeconds() + " s; output:\n" + String.join("\n", lines));
    }

    /** Waits for the process to end; returns its exit code (fails if it does not end in time). */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process still running after " + timeout.toSeconds() + " s; output:\n" + String.join("\n", lines));
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /**
     * SIGTERM, as a service manager would stop it. Through the process handle: {@code Process.destroy()}
     * also closes our end of its output, and the lines it prints while stopping would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
