package org.otlpanalytics.tests.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user-code class loaders a Flink process still holds and its metaspace, read with the JDK's
 * {@code jcmd}: {@code GC.class_histogram} runs a full collection (which unloads the classes of
 * every unreachable loader) and counts the live {@code ChildFirstClassLoader}s; {@code GC.heap_info}
 * then gives the metaspace in use. A loader of a finished job still counted after that is pinned
 * by something (a leak).
 */
public final class UserCodeLoaders {
    /** Flink's user-code class loader for {@code classloader.resolve-order: child-first}. */
    static final String LOADER_CLASS = "org.apache.flink.util.ChildFirstClassLoader";
    private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used ([0-9,]+)K");

    /** One reading: live user-code loaders and metaspace used (KiB). */
    public record Reading(int loaders, long metaspaceKb) {
        @Override
        public String toString() {
            return loaders + " loaders, metaspace " + metaspaceKb / 1024 + " MiB";
        }
    }

    private UserCodeLoaders() {}

    /** Collects garbage in process {@code pid} (a full GC) and reads its loaders and metaspace. */
    public static Reading afterFullGc(long pid) throws IOException, InterruptedException {
        int loaders = loaders(jcmd(pid, "GC.class_histogram"));
        return new Reading(loaders, metaspaceKb(jcmd(pid, "GC.heap_info")));
    }

    /**
     * What may pin a loader, for a failure's message: the classes loaded once per job (the
     * PostgreSQL driver, Kafka's app-info MBean) with their live instances, and the process's
     * threads by name (digits as N) with their counts.
     */
    public static String suspects(long pid) throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && (f[3].equals("org.postgresql.Driver") || f[3].startsWith("org.apache.kafka.common.utils.AppInfoParser")
                    || f[3].equals("jdk.internal.net.http.HttpClientImpl") || f[3].startsWith("org.postgresql.util.LazyCleaner"))) {
                b.append(f[3]).append('=').append(f[1]).append(' ');
            }
        }
        java.util.Map<String, Integer> threads = new java.util.TreeMap<>();
        for (String line : jcmd(pid, "Thread.print").split("\n")) {
            if (line.startsWith("\"")) {
                threads.merge(line.substring(1, line.indexOf('"', 1)).replaceAll("[0-9]+", "N"), 1, Integer::sum);
            }
        }
        return b.append("threads ").append(threads).toString();
    }

    /** The instance count of {@link #LOADER_CLASS} in a class histogram (0 when absent). */
    static int loaders(String histogram) {
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // " 123:  <instances>  <bytes>  <class name> (<module>)"
            if (f.length >= 4 && f[3].equals(LOADER_CLASS)) {
                return Integer.parseInt(f[1]);
            }
        }
        return 0;
    }

    /** Metaspace used (KiB) from {@code GC.heap_info}. */
    static long metaspaceKb(String heapInfo) {
        Matcher m = METASPACE.matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalStateException("no metaspace line in GC.heap_info: " + heapInfo);
        }
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(List.of(jcmd, Long.toString(pid), command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
