package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ClickHouse HTTP interface, with the JDK's HTTP client and nothing else: statements go in the
 * request body, an insert's statement in the {@code query} parameter and its rows (RowBinary) in the
 * body, so row values never appear in SQL text. Works with every server since 18.16 (the official
 * client-v2 inserts typed rows as RowBinaryWithNamesAndTypes, which 18.16 does not accept).
 * Credentials travel in the {@code X-ClickHouse-User}/{@code X-ClickHouse-Key} headers.
 */
public final class ClickHouseHttp implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final ClickHouseSinkConfig config;
    /**
     * The client's worker threads, ours so that {@link #close()} ends them: the JDK's default pool
     * keeps idle threads for a minute, and a thread started from a job's code keeps that job's
     * class loader (its context loader and access control context) alive while it runs.
     */
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "clickhouse-http-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client;

    public ClickHouseHttp(ClickHouseSinkConfig config) {
        this.config = config;
        // HTTP/1.1: the JDK would otherwise offer an h2c upgrade, which old servers do not expect
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout()).executor(executor).build();
    }

    /**
     * Ends the worker threads (requests still running finish). The JDK 17 client has no close of
     * its own: its selector thread ends once the client is unreachable.
     */
    @Override
    public void close() {
        executor.shutdown();
    }

    /** Runs a statement in the configured database; returns the answer (TabSeparated unless the statement says otherwise). */
    public String query(String sql) throws ClickHouseException {
        return send(params(true), HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8));
    }

    /** Runs a statement outside any database (CREATE DATABASE, version()). */
    public String queryWithoutDatabase(String sql) throws ClickHouseException {
        return send(params(false), HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8));
    }

    /** {@code SELECT version()} of the server. */
    public ClickHouseVersion version() throws ClickHouseException {
        return ClickHouseVersion.parse(queryWithoutDatabase("SELECT version()").trim());
    }

    /**
     * Sends {@code len} bytes of rows for {@code insert} (an {@code INSERT ... FORMAT RowBinary}
     * statement), with query-level {@code settings}.
     */
    public void insert(String insert, Map<String, String> settings, byte[] rows, int off, int len) throws ClickHouseException {
        Map<String, String> p = params(true);
        p.putAll(settings);
        p.put("query", insert);
        send(p, new ByteArrayBody(rows, off, len));
    }

    private Map<String, String> params(boolean withDatabase) {
        Map<String, String> p = new LinkedHashMap<>();
        if (withDatabase) {
            p.put("database", config.database());
        }
        return p;
    }

    private String send(Map<String, String> params, HttpRequest.BodyPublisher body) throws ClickHouseException {
        StringBuilder uri = new StringBuilder(config.url()).append('/');
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            uri.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(config.requestTimeout())
                .POST(body);
        if (config.user() != null) {
            rb.header("X-ClickHouse-User", config.user());
            if (config.password() != null) {
                rb.header("X-ClickHouse-Key", config.password());
            }
        }
        HttpResponse<String> r;
        try {
            r = client.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ClickHouseException("ClickHouse at " + config.url() + " did not answer: " + e, -1, -1,
                    ClickHouseException.Kind.RETRYABLE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseException("interrupted while waiting for ClickHouse", -1, -1,
                    ClickHouseException.Kind.RETRYABLE, e);
        }
        if (r.statusCode() == 200) {
            return r.body();
        }
        String header = r.headers().firstValue("X-ClickHouse-Exception-Code").orElse(null);
        int code = header != null ? parseOr(header, -1) : ClickHouseErrors.code(r.body());
        throw new ClickHouseException("ClickHouse answered HTTP " + r.statusCode() + ": " + ClickHouseErrors.message(r.body()),
                code, r.statusCode(), ClickHouseErrors.kind(r.statusCode(), code), null);
    }

    private static int parseOr(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
