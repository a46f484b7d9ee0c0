package org.otlpanalytics.jobs.embedded;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;

/**
 * A ClickHouse server for the demo, {@code analyze}, the benchmark and the tests: either the
 * installed server binary (Debian's {@code clickhouse-server} package, 18.16, or any newer
 * {@code clickhouse}) started as a process of this JVM on free loopback ports, with its own config,
 * users and data in a temporary folder that {@link #close()} deletes; or, when {@value #URL_ENV} is
 * set ({@code http://[user:password@]host:8123}), that running server, with a fresh database per use
 * that {@link #close()} drops. {@code .ci/install-clickhouse} installs the package on a Debian machine.
 */
public final class ClickHouseServer implements AutoCloseable {
    public static final String URL_ENV = "OTLP_ANALYTICS_TEST_CLICKHOUSE_URL";
    /** Where the server binary is looked for, in order (the first two: Debian's package). */
    static final List<String> BINARIES = List.of("/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server",
            "/usr/bin/clickhouse", "/usr/local/bin/clickhouse");
    /** The user the local server has besides {@code default}, with a password, so credentials are exercised. */
    public static final String USER = "otlp";
    public static final String PASSWORD = "otlp-secret";
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final List<String> command;
    private final int httpPort;
    private final String externalUrl;
    private final String user;
    private final String password;
    private final String database;
    private Process process;
    private Thread reaper;

    private ClickHouseServer(Path dir, List<String> command, int httpPort, String externalUrl, String user, String password,
            String database) {
        this.dir = dir;
        this.command = command;
        this.httpPort = httpPort;
        this.externalUrl = externalUrl;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    /** Why no server can be had here (no binary and no {@value #URL_ENV}), or null when one can. */
    public static String unavailableReason() {
        if (external() != null || binary() != null) {
            return null;
        }
        return "no ClickHouse: neither " + URL_ENV + " nor a server binary (" + String.join(", ", BINARIES)
                + "); run .ci/install-clickhouse as root (Debian: apt-get install clickhouse-server)";
    }

    /** Whether {@link #start()} starts a process of its own (it can then be restarted). */
    public static boolean isLocal() {
        return external() == null && binary() != null;
    }

    private static String external() {
        String s = System.getenv(URL_ENV);
        return s == null || s.isBlank() ? null : s.trim();
    }

    static String binary() {
        for (String b : BINARIES) {
            if (Files.isExecutable(Path.of(b))) {
                return b;
            }
        }
        return null;
    }

    /** Starts a server (or connects to {@value #URL_ENV}) with a fresh database for this use. */
    public static ClickHouseServer start() throws IOException {
        String db = "otlp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String ext = external();
        if (ext != null) {
            URI u = URI.create(ext);
            String user = null;
            String password = null;
            if (u.getUserInfo() != null) {
                String[] up = u.getUserInfo().split(":", 2);
                user = up[0];
                password = up.length > 1 ? up[1] : null;
            }
            String url = u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
            ClickHouseServer s = new ClickHouseServer(null, null, -1, url, user, password, db);
            s.http(null).queryWithoutDatabase("CREATE DATABASE IF NOT EXISTS " + db);
            return s;
        }
        String bin = binary();
        if (bin == null) {
            throw new IOException(unavailableReason());
        }
        Path dir = Files.createTempDirectory("otlp-clickhouse");
        int http = freePort();
        int tcp = freePort();
        Files.writeString(dir.resolve("config.xml"), config(dir, http, tcp), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("users.xml"), USERS, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>();
        cmd.add(bin);
        if (bin.endsWith("/clickhouse")) {
            cmd.add("server");
        }
        cmd.add("--config-file=" + dir.resolve("config.xml"));
        ClickHouseServer s = new ClickHouseServer(dir, cmd, http, null, USER, PASSWORD, db);
        try {
            s.launch();
            s.http(null).queryWithoutDatabase("CREATE DATABASE IF NOT EXISTS " + db);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()));
        process = pb.start();
        Process p = process;
        // a JVM that dies without close() must not leave the server running
        reaper = new Thread(p::destroyForcibly, "clickhouse-server-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("clickhouse-server exited with " + p.exitValue() + ": " + logTail());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url() + "/ping"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting clickhouse-server", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting clickhouse-server", e);
            }
        }
        throw new IOException("clickhouse-server did not answer on " + url() + " within " + START_TIMEOUT.toSeconds() + " s: "
                + logTail());
    }

    /** The last lines of the server's logs, for an error message. */
    private String logTail() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("stdout.log", "log/clickhouse-server.err.log")) {
            Path p = dir.resolve(f);
            try {
                if (Files.exists(p)) {
                    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                    sb.append(String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
                }
            } catch (IOException e) {
                // best effort
            }
        }
        return sb.toString();
    }

    /** Stops the server process (SIGTERM, then SIGKILL after 30 s); the data stays for {@link #restart}. */
    public void stop() throws IOException {
        requireLocal("stop");
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // shutting down already
        }
        process = null;
    }

    /** Starts the stopped server again, same port, same data. */
    public void restart() throws IOException {
        requireLocal("restart");
        stop();
        launch();
    }

    private void requireLocal(String what) {
        if (externalUrl != null) {
            throw new IllegalStateException("cannot " + what + " the external server " + externalUrl);
        }
    }

    public boolean isExternal() {
        return externalUrl != null;
    }

    /** The HTTP interface, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return externalUrl != null ? externalUrl : "http://127.0.0.1:" + httpPort;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** This use's database. */
    public String database() {
        return database;
    }

    /** A sink configuration for this server and database (defaults otherwise). */
    public ClickHouseSinkConfig.Builder config() {
        return ClickHouseSinkConfig.builder().url(url()).user(user).password(password).database(database);
    }

    /** A client for {@code db} (null: this use's database). */
    public ClickHouseHttp http(String db) {
        return new ClickHouseHttp(config().database(db == null ? database : db).build());
    }

    /** Runs a statement in this use's database; returns the TabSeparated answer. */
    public String query(String sql) throws ClickHouseException {
        return http(null).query(sql);
    }

    /** The server's log folder (local servers), for diagnostics. */
    public Path logDir() {
        return dir == null ? null : dir.resolve("log");
    }

    @Override
    public void close() throws IOException {
        if (externalUrl != null) {
            try {
                http(null).queryWithoutDatabase("DROP DATABASE IF EXISTS " + database);
            } catch (ClickHouseException e) {
                throw new IOException("cannot drop test database " + database, e);
            }
            return;
        }
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static String config(Path dir, int http, int tcp) {
        String d = dir.toAbsolutePath().toString();
        return "<?xml version=\"1.0\"?>\n<yandex>\n"
                + "  <logger><level>warning</level><log>" + d + "/log/clickhouse-server.log</log>"
                + "<errorlog>" + d + "/log/clickhouse-server.err.log</errorlog><size>50M</size><count>1</count></logger>\n"
                + "  <listen_host>127.0.0.1</listen_host>\n"
                + "  <http_port>" + http + "</http_port>\n"
                + "  <tcp_port>" + tcp + "</tcp_port>\n"
                + "  <path>" + d + "/data/</path>\n"
                + "  <tmp_path>" + d + "/tmp/</tmp_path>\n"
                + "  <user_files_path>" + d + "/user_files/</user_files_path>\n"
                + "  <format_schema_path>" + d + "/format_schemas/</format_schema_path>\n"
                + "  <users_config>users.xml</users_config>\n"
                + "  <default_profile>default</default_profile>\n"
                + "  <default_database>default</default_database>\n"
                + "  <timezone>UTC</timezone>\n"
                + "  <mark_cache_size>268435456</mark_cache_size>\n"
                + "  <uncompressed_cache_size>268435456</uncompressed_cache_size>\n"
                + "  <max_concurrent_queries>100</max_concurrent_queries>\n"
                + "  <mlock_executable>false</mlock_executable>\n"
                + "</yandex>\n";
    }

    static final String USERS = "<?xml version=\"1.0\"?>\n<yandex>\n"
            + "  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>\n"
            + "  <users>\n"
            + "    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>"
            + "<profile>default</profile><quota>default</quota></default>\n"
            + "    <" + USER + "><password>" + PASSWORD + "</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>"
            + "<profile>default</profile><quota>default</quota></" + USER + ">\n"
            + "  </users>\n"
            + "  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>"
            + "<result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>\n"
            + "</yandex>\n";
}
