package org.otlpanalytics.jobs.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the machine's CPU went during a soak or a benchmark, from Linux's {@code /proc}: the
 * TaskManager process (the soak's), the launcher's JVM (this one: the soak's generator and embedded
 * Kafka broker, or a benchmark with its MiniCluster), PostgreSQL and ClickHouse (their
 * processes by name, every one on the machine, whoever started them), everything else, and idle — each as a share of all
 * the machine's cores between two {@link Reading}s. A soak that is not sustained on a small machine
 * says here whether the job or its neighbours took the CPU, and the TaskManager's CPU per record is
 * a capacity figure that does not depend on what else runs beside it; a benchmark's "other" share
 * says how much of the machine something else took while it measured.
 *
 * <p>A process not named so is the TaskManager's or the launcher's when it or an ancestor is; "other" is every
 * busy tick the named groups did not take (other processes, the kernel). What a named process used
 * between two readings before it ended counts as other. Off Linux (no {@code /proc/stat}) nothing is
 * measured and {@link #available()} is false.
 */
public final class MachineCpu {
    public static final String TASKMANAGER = "taskmanager";
    public static final String LAUNCHER = "launcher";
    public static final String POSTGRES = "postgres";
    public static final String CLICKHOUSE = "clickhouse";
    public static final String OTHER = "other";
    public static final String IDLE = "idle";
    /** The groups in print order; the shares of a reading pair add up to 1 over these. */
    public static final List<String> GROUPS = List.of(TASKMANAGER, LAUNCHER, POSTGRES, CLICKHOUSE, OTHER, IDLE);
    /** Linux's clock ticks per second in {@code /proc} ({@code USER_HZ}), 100 on every common build. */
    public static final long TICKS_PER_SECOND = 100;
    /** Shares over less machine time than this (one core for a second) are noise, and not given. */
    public static final long MIN_TICKS = TICKS_PER_SECOND;

    private final Path proc;
    private final long taskManagerPid;
    private final long launcherPid;

    public MachineCpu(Path proc, long taskManagerPid, long launcherPid) {
        this.proc = proc;
        this.taskManagerPid = taskManagerPid;
        this.launcherPid = launcherPid;
    }

    /** On this machine's {@code /proc}, this JVM being the launcher. */
    public static MachineCpu of(long taskManagerPid) {
        return new MachineCpu(Path.of("/proc"), taskManagerPid, ProcessHandle.current().pid());
    }

    public boolean available() {
        return Files.isReadable(proc.resolve("stat"));
    }

    /** The machine's CPU ticks so far, and every named group's process's (empty when unavailable). */
    public Reading read() {
        if (!available()) {
            return Reading.NONE;
        }
        long total;
        long idle;
        try {
            String first = Files.readAllLines(proc.resolve("stat")).get(0);
            String[] f = first.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal (guest time is inside user)
            total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        } catch (IOException | RuntimeException e) {
            return Reading.NONE;
        }
        Map<Long, ProcStat> stats = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path d : dirs) {
                ProcStat s = ProcStat.read(d.resolve("stat"));
                if (s != null) {
                    stats.put(s.pid(), s);
                }
            }
        } catch (IOException e) {
            return Reading.NONE;
        }
        Map<Long, Owned> named = new HashMap<>();
        for (ProcStat s : stats.values()) {
            String g = group(s, stats);
            if (!g.equals(OTHER)) {
                named.put(s.pid(), new Owned(g, s.ticks()));
            }
        }
        return new Reading(total, idle, named);
    }

    private String group(ProcStat s, Map<Long, ProcStat> stats) {
        // by name first: the launcher starts the ClickHouse server (and PostgreSQL's) as its children
        if (s.name().equals("postgres")) {
            return POSTGRES;
        }
        if (s.name().startsWith("clickhouse")) {
            return CLICKHOUSE;
        }
        ProcStat at = s;
        for (int depth = 0; at != null && depth < 64; depth++) {
            if (at.pid() == taskManagerPid) {
                return TASKMANAGER;
            }
            if (at.pid() == launcherPid) {
                return LAUNCHER;
            }
            at = at.ppid() == at.pid() ? null : stats.get(at.ppid());
        }
        return OTHER;
    }

    /** A process of a named group and its CPU ticks so far. */
    public record Owned(String group, long ticks) {}

    /** CPU ticks of the machine (all, idle) and of each named group's processes at one moment. */
    public record Reading(long totalTicks, long idleTicks, Map<Long, Owned> processes) {
        static final Reading NONE = new Reading(0, 0, Map.of());

        /**
         * Each group's ticks from {@code earlier} to this reading: a named group's processes' growth (a
         * process new since then counts whole), idle's, and "other" all the busy ticks left (other
         * processes, the kernel, and what named processes that ended in between had used).
         */
        public Map<String, Long> ticksSince(Reading earlier) {
            Map<String, Long> ticks = new LinkedHashMap<>();
            GROUPS.forEach(g -> ticks.put(g, 0L));
            long named = 0;
            for (Map.Entry<Long, Owned> e : processes.entrySet()) {
                Owned was = earlier.processes.get(e.getKey());
                Owned now = e.getValue();
                long d = was != null && was.group.equals(now.group) ? Math.max(0, now.ticks - was.ticks) : now.ticks;
                ticks.merge(now.group, d, Long::sum);
                named += d;
            }
            long idle = Math.max(0, idleTicks - earlier.idleTicks);
            ticks.put(IDLE, idle);
            ticks.put(OTHER, Math.max(0, totalTicks - earlier.totalTicks - idle - named));
            return ticks;
        }

        /** Each group's share of all cores from {@code earlier} to this reading (empty when not measurable). */
        public Map<String, Double> sharesSince(Reading earlier) {
            Map<String, Double> shares = new LinkedHashMap<>();
            long total = totalTicks - earlier.totalTicks;
            if (total < MIN_TICKS || earlier.totalTicks == 0) {
                return shares;
            }
            ticksSince(earlier).forEach((g, t) -> shares.put(g, Math.min(1.0, t / (double) total)));
            return shares;
        }

        /** A group's CPU seconds from {@code earlier} to this reading ({@link #TICKS_PER_SECOND}). */
        public double secondsSince(Reading earlier, String group) {
            return ticksSince(earlier).get(group) / (double) TICKS_PER_SECOND;
        }
    }
}
