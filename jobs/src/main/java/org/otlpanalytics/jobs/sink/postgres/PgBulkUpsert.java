package org.otlpanalytics.jobs.sink.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The bulk form of one upsert {@code INSERT INTO t (columns) VALUES (?, ...) ON CONFLICT ...}:
 * the rows are streamed with {@code COPY} into a session-local staging table shaped like
 * {@code t} ({@code LIKE t}, its NOT NULL constraints included, emptied at every commit), then
 * moved with one {@code INSERT INTO t (columns) SELECT columns FROM stage ON CONFLICT ...}, the
 * statement's own conflict clause. In the writer's transaction, so it commits when the bound
 * statements would, and replays as they do. The rows of one flush have distinct keys
 * ({@link PgBatch}), so a {@code DO UPDATE} never meets a row twice.
 */
final class PgBulkUpsert {
    private static final Pattern UPSERT = Pattern.compile(
            "INSERT INTO (\\w+) \\(([\\w, ]+)\\) VALUES \\(([?, ]+)\\) (ON CONFLICT .*)", Pattern.DOTALL);
    /** Bytes of binary COPY (characters of text COPY) sent per write to the server. */
    private static final int CHUNK = 1 << 16;

    final String table;
    final String stage;
    final String createStage;
    final String copy;
    final String copyBinary;
    final String merge;
    final String columnTypes;
    /** The binary form of the rows, from the staging table's column types (null: copy as text). */
    private PgCopyBinary binary;

    private PgBulkUpsert(String table, String columns, String conflict) {
        this.table = table;
        this.stage = "otlp_stage_" + table;
        this.createStage = "CREATE TEMPORARY TABLE IF NOT EXISTS " + stage + " (LIKE " + table
                + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";
        this.copy = "COPY " + stage + " (" + columns + ") FROM STDIN";
        this.copyBinary = copy + " (FORMAT binary)";
        this.columnTypes = "SELECT " + columns + " FROM " + stage + " LIMIT 0";
        this.merge = "INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + stage + " " + conflict;
    }

    /** The bulk form of {@code upsertSql}; fails on SQL that is not one parameterised upsert. */
    static PgBulkUpsert of(String upsertSql) {
        Matcher m = UPSERT.matcher(upsertSql.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an INSERT ... VALUES (?, ...) ON CONFLICT statement: " + upsertSql);
        }
        int columns = m.group(2).split(",").length;
        int params = m.group(3).replace(" ", "").split(",").length;
        if (columns != params) {
            throw new IllegalArgumentException(columns + " columns but " + params + " parameters: " + upsertSql);
        }
        return new PgBulkUpsert(m.group(1), m.group(2), m.group(4));
    }

    /**
     * Creates the staging table of this session (once per connection, before its first use) and
     * reads its column types, which decide between a binary and a text COPY.
     */
    void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(createStage);
            try (ResultSet rs = s.executeQuery(columnTypes)) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> types = new ArrayList<>(md.getColumnCount());
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    types.add(md.getColumnTypeName(i));
                }
                binary = PgCopyBinary.of(types);
            }
        }
    }

    /** True when the rows go out in COPY's binary format (after {@link #prepare}). */
    boolean isBinary() {
        return binary != null;
    }

    /** Copies {@code rows} into the staging table and upserts them into the table. */
    void execute(Connection c, List<Map.Entry<Object, Object[]>> rows) throws SQLException {
        PgCopyBinary b = binary;
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(b != null ? copyBinary : copy);
        boolean done = false;
        try {
            if (b != null) {
                copyBinary(in, b, rows);
            } else {
                copyText(in, rows);
            }
            in.endCopy();
            done = true;
        } finally {
            if (!done && in.isActive()) {
                try {
                    in.cancelCopy(); // the transaction is rolled back next; this only ends the protocol state
                } catch (SQLException ignored) {
                    // the first error is the one reported
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(merge);
        }
    }

    private static void copyBinary(CopyIn in, PgCopyBinary b, List<Map.Entry<Object, Object[]>> rows) throws SQLException {
        PgCopyBinary.ByteSink out = new PgCopyBinary.ByteSink(CHUNK + 4096);
        PgCopyBinary.appendHeader(out);
        for (Map.Entry<Object, Object[]> row : rows) {
            b.appendRow(out, row.getValue());
            if (out.size() >= CHUNK) {
                in.writeToCopy(out.array(), 0, out.size());
                out.reset();
            }
        }
        PgCopyBinary.appendTrailer(out);
        in.writeToCopy(out.array(), 0, out.size());
    }

    private static void copyText(CopyIn in, List<Map.Entry<Object, Object[]>> rows) throws SQLException {
        StringBuilder sb = new StringBuilder(CHUNK + 4096);
        for (Map.Entry<Object, Object[]> row : rows) {
            PgCopyText.appendRow(sb, row.getValue());
            if (sb.length() >= CHUNK) {
                write(in, sb);
            }
        }
        write(in, sb);
    }

    private static void write(CopyIn in, StringBuilder sb) throws SQLException {
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        sb.setLength(0);
    }
}
