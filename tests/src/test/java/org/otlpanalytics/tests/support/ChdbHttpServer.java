package org.otlpanalytics.tests.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of ClickHouse's HTTP interface the project uses, in front of a {@link Chdb} session, so the
 * real schema code, sink writers and jobs talk to a current ClickHouse engine exactly as to a server:
 * {@code GET /ping}; {@code POST /?database=db} with a statement as the body; {@code POST
 * /?database=db&query=INSERT ... FORMAT RowBinary[&setting=value]} with the rows as the body, which is
 * written to a file and inserted with {@code INSERT ... FROM INFILE} (the same statement, the same
 * bytes). Errors answer HTTP 500 with the engine's text ({@code Code: N. DB::Exception: ...}), as a
 * server does. Requests run one at a time (one session).
 */
public final class ChdbHttpServer implements AutoCloseable {
    private static final Pattern FORMAT_ROWBINARY = Pattern.compile("(?s)^(INSERT INTO .*?)\\s+FORMAT RowBinary\\s*$");

    private final Chdb chdb;
    private final HttpServer server;
    private final AtomicLong files = new AtomicLong();
    private String database;

    private ChdbHttpServer(Chdb chdb) throws IOException {
        this.chdb = chdb;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public static ChdbHttpServer start(Chdb chdb) throws IOException {
        return new ChdbHttpServer(chdb);
    }

    /** The URL to give {@code --clickhouse-url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (x.getRequestURI().getPath().equals("/ping")) {
                reply(x, 200, "Ok.\n");
                return;
            }
            Map<String, String> params = params(x.getRequestURI().getRawQuery());
            byte[] body = x.getRequestBody().readAllBytes();
            try {
                reply(x, 200, run(params, body));
            } catch (Chdb.ChdbException e) {
                reply(x, 500, e.getMessage() + "\n");
            }
        }
    }

    private synchronized String run(Map<String, String> params, byte[] body) throws IOException {
        String db = params.remove("database");
        if (db != null && !db.equals(database)) {
            chdb.query("USE `" + db.replace("`", "") + "`");
            database = db;
        }
        String insert = params.remove("query");
        for (Map.Entry<String, String> s : params.entrySet()) {
            if (!s.getKey().matches("[a-z_]+") || !s.getValue().matches("[0-9A-Za-z_]+")) {
                throw new Chdb.ChdbException("Code: 115. DB::Exception: bridge refuses setting " + s.getKey());
            }
            chdb.query("SET " + s.getKey() + " = " + s.getValue());
        }
        if (insert == null) {
            return chdb.query(new String(body, StandardCharsets.UTF_8));
        }
        Matcher m = FORMAT_ROWBINARY.matcher(insert);
        if (!m.matches()) {
            throw new Chdb.ChdbException("Code: 62. DB::Exception: bridge takes only INSERT ... FORMAT RowBinary, got " + insert);
        }
        Path f = chdb.dataDir().resolve("insert-" + files.incrementAndGet() + ".bin");
        Files.write(f, body);
        try {
            return chdb.query(m.group(1) + " FROM INFILE '" + f + "' FORMAT RowBinary");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static Map<String, String> params(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static void reply(HttpExchange x, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (status != 200) {
            Matcher code = Pattern.compile("Code: (\\d+)").matcher(text);
            if (code.find()) {
                x.getResponseHeaders().add("X-ClickHouse-Exception-Code", code.group(1));
            }
        }
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
