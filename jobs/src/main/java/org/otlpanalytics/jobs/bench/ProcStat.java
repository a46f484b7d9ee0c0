package org.otlpanalytics.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fields of Linux's {@code /proc/<pid>/stat} the benchmarks' CPU readings need ({@link MachineCpu},
 * {@link PgServerCpu}): the process, its parent, its command name (which may hold spaces and
 * parentheses: it is what lies between the first {@code (} and the last {@code )}), its own CPU
 * ({@code utime + stime}) and that of its exited children it reaped ({@code cutime + cstime}), in clock ticks.
 */
public record ProcStat(long pid, long ppid, String name, long ticks, long childTicks) {

    /** {@code <proc>/<pid>/stat}, or null when the process is gone or the file is not such a line. */
    public static ProcStat read(Path proc, long pid) {
        return read(proc.resolve(Long.toString(pid)).resolve("stat"));
    }

    /** {@code file} read and parsed, or null when it is gone (the process ended) or not such a line. */
    public static ProcStat read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One {@code stat} line: {@code pid (comm) state ppid ... utime stime cutime cstime ...}; null when it is not one. */
    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        // fields after the command: 0 state, 1 ppid, ... 11 utime, 12 stime, 13 cutime, 14 cstime
        String[] f = line.substring(close + 1).trim().split("\\s+");
        if (f.length < 15) {
            return null;
        }
        try {
            return new ProcStat(Long.parseLong(line.substring(0, open).trim()), Long.parseLong(f[1]), line.substring(open + 1, close),
                    Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
