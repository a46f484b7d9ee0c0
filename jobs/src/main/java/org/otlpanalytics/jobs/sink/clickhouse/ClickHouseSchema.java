package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the sink's database and tables at job start: the statements of {@code sql/clickhouse/} in
 * file-name order, in the form the server's version accepts ({@link ClickHouseDdl}). Every statement
 * is {@code CREATE ... IF NOT EXISTS}, and the {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS} that
 * upgrade an earlier version's tables are sent as plain {@code ADD COLUMN}s of the missing columns only
 * ({@link ColumnAdditions}: 18.16 lacks IF NOT EXISTS there), so applying twice changes nothing.
 *
 * <pre>{@code
 * ClickHouseSchema.Result r = ClickHouseSchema.apply(config);   // r.version: 18.16, 26.7, ...
 * }</pre>
 */
public final class ClickHouseSchema {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSchema.class);

    private ClickHouseSchema() {}

    /** What was applied: the server's version and the statements as sent. */
    public static final class Result {
        public final ClickHouseVersion version;
        public final List<String> statements;

        Result(ClickHouseVersion version, List<String> statements) {
            this.version = version;
            this.statements = List.copyOf(statements);
        }
    }

    /** The statements of every DDL file for server {@code v}, in order. */
    public static List<String> statements(ClickHouseVersion v, boolean retention) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> f : ClickHouseSqlFiles.schema().entrySet()) {
            for (String s : ClickHouseDdl.statements(f.getValue())) {
                out.add(ClickHouseDdl.derive(s, v, retention));
            }
        }
        return out;
    }

    /** Creates the database if missing, then every table and view. */
    public static Result apply(ClickHouseSinkConfig config) throws ClickHouseException {
        try (ClickHouseHttp http = new ClickHouseHttp(config)) {
            return apply(http, config);
        }
    }

    private static Result apply(ClickHouseHttp http, ClickHouseSinkConfig config) throws ClickHouseException {
        ClickHouseVersion v = http.version();
        http.queryWithoutDatabase("CREATE DATABASE IF NOT EXISTS " + TableLayout.quote(config.database()));
        List<String> applied = statements(v, config.retention());
        List<String> sent = new ArrayList<>();
        for (String s : applied) {
            ColumnAdditions add = ColumnAdditions.parse(s);
            if (add == null) {
                http.query(s);
                sent.add(s);
            } else {
                Set<String> existing = TableLayout.parseDescribe(http.query("DESCRIBE TABLE " + add.table())).keySet();
                for (String alter : add.missing(existing)) {
                    http.query(alter);
                    sent.add(alter);
                }
            }
        }
        LOG.info("ClickHouse {} at {}: {} statements applied in database {}", v, config.url(), sent.size(), config.database());
        return new Result(v, sent);
    }
}
