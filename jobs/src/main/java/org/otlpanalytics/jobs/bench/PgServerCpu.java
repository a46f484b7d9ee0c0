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

    private PgServerCpu(long postmaster) {
        this.postmaster = postmaster;
    }

    /** The server of {@code c}: the parent of its backend, if that is a local postgres process. */
    public static PgServerCpu of(Connection c) throws SQLException {
        long backend;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            backend = rs.getLong(1);
        }
        ProcStat b = ProcStat.read(PROC, backend);
        try {
            String exe = b == null ? "" : Files.readSymbolicLink(PROC.resolve(Long.toString(b.ppid())).resolve("exe")).getFileName().toString();
            return exe.equals("postgres") ? new PgServerCpu(b.ppid()) : none();
        } catch (IOException | RuntimeException e) {
            return none();
        }
    }

    /** No server to read: {@link #seconds} is NaN. */
    public static PgServerCpu none() {
        return new PgServerCpu(-1);
    }

    /** CPU seconds the server has used so far (NaN when unknown). */
    public double seconds() {
        if (postmaster < 0) {
            return Double.NaN;
        }
        ProcStat pm = ProcStat.read(PROC, postmaster);
        if (pm == null) {
            return Double.NaN;
        }
        long ticks = pm.ticks() + pm.childTicks();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                // a process that ended meanwhile is gone (null): the postmaster's reaped children's time has it now
                ProcStat f = ProcStat.read(p.resolve("stat"));
                if (f != null && f.ppid() == postmaster) {
                    ticks += f.ticks();
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return ticks / (double) MachineCpu.TICKS_PER_SECOND;
    }
}
