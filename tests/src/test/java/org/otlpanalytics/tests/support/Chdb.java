package org.otlpanalytics.tests.support;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Current ClickHouse (26.x) as an engine in a process of its own: the npm package {@code chdb}
 * ({@value #VERSION}, whose {@code @chdb/lib-linux-x64-gnu} holds libchdb) run by node with
 * {@code src/test/resources/chdb/session.js}, one session per instance, queries sent one at a time.
 * The package is installed once with npm into {@value #DIR_ENV} (default
 * {@code ~/.cache/otlp-analytics/chdb-<version>}); {@link #unavailableReason()} says why it cannot be
 * had (no node, no npm, or the install failed), for a test to skip with that reason.
 */
public final class Chdb implements AutoCloseable {
    public static final String VERSION = "3.4.0";
    public static final String DIR_ENV = "OTLP_ANALYTICS_CHDB_DIR";

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final Path dataDir;

    private Chdb(Process process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** An error chdb answered with ({@code Code: N. DB::Exception: ...}). */
    public static final class ChdbException extends IOException {
        private static final long serialVersionUID = 1L;

        ChdbException(String message) {
            super(message);
        }
    }

    static Path moduleDir() {
        String env = System.getenv(DIR_ENV);
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "otlp-analytics", "chdb-" + VERSION);
    }

    /**
     * Set ({@code 1}) by {@code .ci/run} when node and npm are there: the current-ClickHouse test then fails,
     * instead of being skipped, when chdb cannot be installed or run.
     */
    public static final String REQUIRE_ENV = "OTLP_ANALYTICS_REQUIRE_CHDB";

    /**
     * Null when chdb can be run here (installing it first if needed), else why not; throws instead when
     * {@value #REQUIRE_ENV} says it must be there.
     */
    public static synchronized String unavailableReason() {
        String reason = findUnavailableReason();
        if (reason != null && ClickHouseService.required(REQUIRE_ENV)) {
            throw new IllegalStateException(REQUIRE_ENV + " is set (.ci/run found node and npm) but " + reason);
        }
        return reason;
    }

    private static String findUnavailableReason() {
        String node = onPath("node");
        String npm = onPath("npm");
        if (node == null || npm == null) {
            return "no " + (node == null ? "node" : "npm") + " on the PATH: the current-ClickHouse test (chdb) needs node and npm";
        }
        Path dir = moduleDir();
        if (Files.exists(dir.resolve("node_modules/chdb/package.json"))) {
            return null;
        }
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error",
                    "--prefix", dir.toString(), "chdb@" + VERSION).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return "npm install chdb@" + VERSION + " into " + dir + " failed: " + log.strip().replace('\n', ' ');
            }
        } catch (IOException e) {
            return "npm install chdb@" + VERSION + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while installing chdb";
        }
        return Files.exists(dir.resolve("node_modules/chdb/package.json")) ? null
                : "npm install chdb@" + VERSION + " left no node_modules/chdb in " + dir;
    }

    private static String onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Starts a session with its data in a fresh temporary folder. */
    public static Chdb start() throws IOException {
        Path script = Files.createTempFile("chdb-session", ".js");
        try (InputStream s = Chdb.class.getResourceAsStream("/chdb/session.js")) {
            Files.write(script, s.readAllBytes());
        }
        Path data = Files.createTempDirectory("chdb-data");
        List<String> cmd = new ArrayList<>(List.of(onPath("node"), script.toString(), moduleDir().toString(),
                data.resolve("session").toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(data.resolve("stderr.log").toFile()))
                .start();
        script.toFile().deleteOnExit();
        Chdb c = new Chdb(p, data);
        c.query("SELECT 1");
        return c;
    }

    /** Runs {@code sql} (one statement, or several separated by ';'); the answer in {@code format} unless the SQL names one. */
    public synchronized String query(String sql, String format) throws IOException {
        JsonObject req = new JsonObject();
        req.addProperty("sql", sql);
        req.addProperty("format", format);
        in.write(req.toString());
        in.write('\n');
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("chdb ended: " + Files.readString(dataDir.resolve("stderr.log")));
        }
        JsonObject a = JsonParser.parseString(line).getAsJsonObject();
        if (!a.get("ok").getAsBoolean()) {
            throw new ChdbException(a.get("error").getAsString());
        }
        return a.get("out").getAsString();
    }

    public String query(String sql) throws IOException {
        return query(sql, "TabSeparated");
    }

    /** The folder for files a query reads ({@code FROM INFILE}). */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
