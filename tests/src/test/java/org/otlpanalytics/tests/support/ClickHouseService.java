package org.otlpanalytics.tests.support;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;

/**
 * JUnit extension that starts a real ClickHouse server once per test class: Debian's
 * {@code clickhouse-server} (18.16) as a process of its own on a free port, or the server of
 * {@code OTLP_ANALYTICS_TEST_CLICKHOUSE_URL}. Without either the class is skipped with the reason
 * ({@code .ci/run} prints it), unless {@value #REQUIRE_ENV} is set: then it fails. {@code .ci/run}
 * installs the package first on a Debian machine and sets that variable once a server binary is there.
 */
public final class ClickHouseService implements BeforeAllCallback, AfterAllCallback {
    private ClickHouseServer server;

    /**
     * Set ({@code 1}) by {@code .ci/run} once a ClickHouse server binary is installed: a test that then finds
     * no server fails instead of being skipped, so a broken install cannot pass as a skip.
     */
    public static final String REQUIRE_ENV = "OTLP_ANALYTICS_REQUIRE_CLICKHOUSE";

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String reason = unavailableReason();
        Assumptions.assumeTrue(reason == null, "skipped: " + reason);
        server = ClickHouseServer.start();
    }

    /**
     * Why no ClickHouse server can be had (null when one can); throws when {@value #REQUIRE_ENV} says one
     * must be there.
     */
    public static String unavailableReason() {
        String reason = ClickHouseServer.unavailableReason();
        if (reason != null && required(REQUIRE_ENV)) {
            throw new IllegalStateException(REQUIRE_ENV + " is set (.ci/run installed ClickHouse) but " + reason);
        }
        return reason;
    }

    /** Whether the environment variable {@code name} is set to 1 or true. */
    public static boolean required(String name) {
        String v = System.getenv(name);
        return v != null && (v.trim().equals("1") || v.trim().equalsIgnoreCase("true"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
        }
    }

    public ClickHouseServer server() {
        return server;
    }

    /** Rows of a query in {@code db}, as JSON objects (JSONEachRow: every string exactly as stored, if valid UTF-8). */
    public List<Map<String, JsonElement>> rows(String db, String sql) throws ClickHouseException {
        return rows(server.http(db), sql);
    }

    public static List<Map<String, JsonElement>> rows(ClickHouseHttp http, String sql) throws ClickHouseException {
        String out = http.query(sql + " FORMAT JSONEachRow");
        List<Map<String, JsonElement>> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            Map<String, JsonElement> m = new LinkedHashMap<>();
            o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue()));
            rows.add(m);
        }
        return rows;
    }

    /** A single number from a query in {@code db}. */
    public long count(String db, String sql) throws ClickHouseException {
        return Long.parseLong(server.http(db).query(sql).trim());
    }
}
