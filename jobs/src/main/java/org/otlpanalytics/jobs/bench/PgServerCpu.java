package org.otlpanalytics.jobs.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The CPU time a local PostgreSQL server has used, from Linux's {@code /proc}: the postmaster's own
 * and its exited children's (the backends it reaped: {@code cutime}, {@code cstime}) plus that of
 * its children still running. Benchmarks read it before and after a run to give the server's side
 * of a sink's cost, which the JVM's process CPU does not include. {@link #none} where the server is
 * not on this machine's {@code /proc} (another host, another OS).
 */
public final class PgServerCpu {
    private static final Path PROC = Path.of("/proc");
    private final long postmaster;
    private final double ticksPerSecond;

    private PgServerCpu(long postmaster, double ticksPerSecond) {
        this.postmaster = postmaster;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** The server of {@code c}: the parent of its backend, if that is a local postgres process. */
    public static PgServerCpu of(Connection c) throws SQLException {
        long backend;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            backend = rs.getLong(1);
        }
        try {
            long parent = Long.parseLong(stat(backend)[1]);
            String exe = Files.readSymbolicLink(PROC.resolve(Long.toString(parent)).resolve("exe")).getFileName().toString();
            return exe.equals("postgres") ? new PgServerCpu(parent, 100.0) : none();
        } catch (IOException | RuntimeException e) {
            return none();
        }
    }

    /** No server to read: {@link #seconds} is NaN. */
    public static PgServerCpu none() {
        return new PgServerCpu(-1, 100.0);
    }

    /** CPU seconds the server has used so far (NaN when unknown). */
    public double seconds() {
        if (postmaster < 0) {
            return Double.NaN;
        }
        try {
            String[] pm = stat(postmaster);
            // fields after the command: 0 state, 1 ppid, ... 11 utime, 12 stime, 13 cutime, 14 cstime (clock ticks)
            long ticks = Long.parseLong(pm[11]) + Long.parseLong(pm[12]) + Long.parseLong(pm[13]) + Long.parseLong(pm[14]);
            String parent = Long.toString(postmaster);
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
                for (Path p : procs) {
                    try {
                        String[] f = stat(Long.parseLong(p.getFileName().toString()));
                        if (f[1].equals(parent)) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended meanwhile: the postmaster's cutime has it now
                    }
                }
            }
            return ticks / ticksPerSecond;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** {@code /proc/<pid>/stat}'s fields after the command name (which may hold spaces). */
    static String[] stat(long pid) throws IOException {
        String s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
        return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
    }
}
