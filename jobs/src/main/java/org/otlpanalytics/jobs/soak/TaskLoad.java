package org.otlpanalytics.jobs.soak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.otlpanalytics.jobs.run.StatusMetrics;

/**
 * How busy one task (a chain of operators) of the job is, from Flink's own task metrics:
 * {@code busyTimeMsPerSecond} (processing), {@code backPressuredTimeMsPerSecond} (waiting for
 * downstream buffers) and, of that, {@code hardBackPressuredTimeMsPerSecond} (waiting in the middle
 * of a record for a buffer: the task cannot take a checkpoint then, and a source cannot send a
 * barrier, until the record is out), each the largest over the task's subtasks, in milliseconds per
 * second. The task that limits a job is the busy one whose upstream is back-pressured. Names are
 * shortened for the soak's probes and report ({@link #shortName}).
 */
record TaskLoad(String task, double busyMsPerS, double backPressuredMsPerS, double hardBackPressuredMsPerS) {
    static final String BUSY = "busyTimeMsPerSecond";
    static final String BACK_PRESSURED = "backPressuredTimeMsPerSecond";
    static final String HARD_BACK_PRESSURED = "hardBackPressuredTimeMsPerSecond";
    private static final Comparator<TaskLoad> BUSIEST_FIRST =
            Comparator.comparingDouble(TaskLoad::busyMsPerS).reversed().thenComparing(TaskLoad::task);

    /** A load without hard back-pressure. */
    TaskLoad(String task, double busyMsPerS, double backPressuredMsPerS) {
        this(task, busyMsPerS, backPressuredMsPerS, 0);
    }

    /** Every task's load from the reporter's entries, busiest first (ties by name). */
    static List<TaskLoad> of(List<StatusMetrics.Entry> entries) {
        Map<String, double[]> byTask = new LinkedHashMap<>();
        for (StatusMetrics.Entry e : entries) {
            int slot = e.name.equals(BUSY) ? 0 : e.name.equals(BACK_PRESSURED) ? 1 : e.name.equals(HARD_BACK_PRESSURED) ? 2 : -1;
            double v = slot < 0 ? Double.NaN : e.value();
            if (Double.isNaN(v)) {
                continue;
            }
            double[] load = byTask.computeIfAbsent(shortName(e.operator), k -> new double[3]);
            load[slot] = Math.max(load[slot], v);
        }
        List<TaskLoad> out = new ArrayList<>();
        byTask.forEach((t, l) -> out.add(new TaskLoad(t, l[0], l[1], l[2])));
        out.sort(BUSIEST_FIRST);
        return out;
    }

    /** Each task's mean load over {@code samples} (a task missing from a sample counts 0 there), busiest first. */
    static List<TaskLoad> mean(List<List<TaskLoad>> samples) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (List<TaskLoad> sample : samples) {
            for (TaskLoad l : sample) {
                double[] sum = sums.computeIfAbsent(l.task, k -> new double[3]);
                sum[0] += l.busyMsPerS;
                sum[1] += l.backPressuredMsPerS;
                sum[2] += l.hardBackPressuredMsPerS;
            }
        }
        List<TaskLoad> out = new ArrayList<>();
        sums.forEach((t, sum) -> out.add(new TaskLoad(t, sum[0] / samples.size(), sum[1] / samples.size(), sum[2] / samples.size())));
        out.sort(BUSIEST_FIRST);
        return out;
    }

    /** The most back-pressured of {@code loads}, or null when none is. */
    static TaskLoad mostBackPressured(List<TaskLoad> loads) {
        return most(loads, TaskLoad::backPressuredMsPerS);
    }

    /** The most hard-back-pressured of {@code loads} (blocked in the middle of a record), or null when none is. */
    static TaskLoad mostHardBackPressured(List<TaskLoad> loads) {
        return most(loads, TaskLoad::hardBackPressuredMsPerS);
    }

    /** The load of {@code loads} with the largest positive {@code by} (the first of equals), or null when none is positive. */
    private static TaskLoad most(List<TaskLoad> loads, java.util.function.ToDoubleFunction<TaskLoad> by) {
        TaskLoad most = null;
        for (TaskLoad l : loads) {
            if (by.applyAsDouble(l) > 0 && (most == null || by.applyAsDouble(l) > by.applyAsDouble(most))) {
                most = l;
            }
        }
        return most;
    }

    /**
     * A task's name free of spaces and {@code =}: the source prefix dropped and the chain joined by
     * {@code +} ({@code Source: logs-source -> logs-decode} → {@code logs-source+logs-decode}).
     */
    static String shortName(String taskName) {
        List<String> ops = new ArrayList<>();
        for (String op : taskName.split(" -> ")) {
            String n = op.trim();
            if (n.startsWith("Source: ")) {
                n = n.substring("Source: ".length());
            }
            ops.add(n.replaceAll("[\\s=]+", "_"));
        }
        return String.join("+", ops);
    }

    /** {@code name busy ms/s, bp back-pressured[ (hard in the middle of a record)]} for the report line. */
    String describe() {
        return String.format(Locale.ROOT, "%s %.0f ms/s busy, %.0f back-pressured", task, busyMsPerS, backPressuredMsPerS)
                + (hardBackPressuredMsPerS >= 0.5 ? String.format(Locale.ROOT, " (%.0f in the middle of a record)", hardBackPressuredMsPerS) : "");
    }

    /** The probe value: {@code busy/backpressured/hard} in whole ms per second. */
    String probeValue() {
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f", busyMsPerS, backPressuredMsPerS, hardBackPressuredMsPerS);
    }

    /** The load {@link #probeValue} wrote for {@code task}. */
    static TaskLoad parse(String task, String probeValue) {
        String[] p = probeValue.split("/");
        return new TaskLoad(task, Double.parseDouble(p[0]), Double.parseDouble(p[1]), p.length > 2 ? Double.parseDouble(p[2]) : 0);
    }
}
