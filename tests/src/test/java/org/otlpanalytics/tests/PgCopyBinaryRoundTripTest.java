package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.postgres.PgBatch;
import org.otlpanalytics.jobs.sink.postgres.PgParams;
import org.otlpanalytics.jobs.sink.postgres.PgRowMapper;
import org.otlpanalytics.jobs.sink.postgres.PgStatement;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.Services;

/**
 * Every column type the binary COPY writes, on a real PostgreSQL: rows copied in binary equal, column
 * for column as the server prints them, the same rows written by bound statements (the server's own
 * reading of each parameter), hostile values included (NaN, -0, infinities, extreme integers, every
 * byte, escapes and non-ASCII text, empty arrays and arrays with nulls, timestamps before 1970 and
 * BC, nulls in every column).
 */
class PgCopyBinaryRoundTripTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final String COLUMNS = "k, i4, i8, f8, t, j, b, ts, bo, ai, al, at";
    private static final double[] DOUBLES = {0.1, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            1e-300, Double.MIN_VALUE, Double.MAX_VALUE, -123456.789};
    private static final String[] TEXTS = {"plain", "a\tb\nc\rd\\e", "\u00e9\u4e2d\ud83d\ude00", "", "quote\"'", "\u001b[31m"};
    private static final long[] MILLIS = {0L, 1_777_777_777_123L, -1L, -62_135_596_800_000L, -62_200_000_000_000L, 253_402_300_799_999L};

    @Test
    void binaryCopiedRowsEqualTheBoundStatementsRowsInEveryColumnType() throws Exception {
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement()) {
            for (String t : new String[] {"types_bulk", "types_bound"}) {
                s.execute("CREATE TABLE " + t + " (k BIGINT PRIMARY KEY, i4 INT, i8 BIGINT, f8 DOUBLE PRECISION, t TEXT, "
                        + "j JSONB, b BYTEA, ts TIMESTAMPTZ, bo BOOLEAN, ai INT[], al BIGINT[], at TEXT[])");
            }
        }
        List<Object[]> rows = rows(120);
        CountingMetricGroup bulk = write("types_bulk", rows, rows.size());
        CountingMetricGroup bound = write("types_bound", rows, 20);
        assertThat(bulk.count("rowsCopied")).isEqualTo(rows.size());
        assertThat(bulk.count("rowsCopiedBinary")).isEqualTo(rows.size());
        assertThat(bound.count("rowsCopied")).isZero();
        List<String> copied = select("types_bulk");
        assertThat(copied).hasSize(rows.size()).isEqualTo(select("types_bound"));
        assertThat(copied).anySatisfy(r -> assertThat(r).contains("\t-0\t").contains("BC"))
                .anySatisfy(r -> assertThat(r).contains("NaN").contains("{}"))
                .anySatisfy(r -> assertThat(r).contains("2147483647").contains("9223372036854775807"));
    }

    private static CountingMetricGroup write(String table, List<Object[]> rows, int perFlush) throws Exception {
        PostgresSinkConfig pg = PostgresSinkConfig.builder().jdbcUrl(SERVICES.postgres().jdbcUrl()).batchSize(10_000).build();
        CountingMetricGroup metrics = new CountingMetricGroup();
        try (SinkWriter<Object[]> w = new PostgresUpsertSink<>(pg, new TypesMapper(table)).standaloneWriter(metrics)) {
            int n = 0;
            for (Object[] r : rows) {
                w.write(r, null);
                if (++n % perFlush == 0) {
                    w.flush(false);
                }
            }
            w.flush(false);
        }
        return metrics;
    }

    private static List<String> select(String table) throws Exception {
        // text forms as the server prints them: the comparison is the server's, not the driver's
        return org.otlpanalytics.tests.support.Pipelines.rows(SERVICES.postgres(), "SELECT k, i4::text, i8::text, f8::text, "
                + "t, j::text, encode(b, 'hex'), ts::text, bo::text, ai::text, al::text, at::text FROM " + table + " ORDER BY k");
    }

    private static List<Object[]> rows(int n) {
        List<Object[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i == 7) {
                out.add(new Object[] {(long) i, null, null, null, null, null, null, null, null, null, null, null});
                continue;
            }
            byte[] bytes = new byte[i % 3 == 0 ? 256 : i % 5];
            for (int b = 0; b < bytes.length; b++) {
                bytes[b] = (byte) (b + i);
            }
            String text = TEXTS[i % TEXTS.length] + i;
            out.add(new Object[] {(long) i,
                    i % 4 == 0 ? Integer.MAX_VALUE : i % 4 == 1 ? Integer.MIN_VALUE : -i,
                    i % 4 == 0 ? Long.MAX_VALUE : i % 4 == 1 ? Long.MIN_VALUE : (long) i * 1_000_000_007L,
                    DOUBLES[i % DOUBLES.length],
                    text,
                    new PgParams.Json("{\"k\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t")
                            .replace("\n", "\\n").replace("\r", "\\r").replace("\u001b", "\\u001b") + "\",\"n\":[1,2.5e10,null,true]}"),
                    bytes,
                    PgParams.ts(MILLIS[i % MILLIS.length] + i),
                    i % 2 == 0,
                    i % 6 == 0 ? new int[0] : new int[] {i, -i, Integer.MAX_VALUE},
                    i % 6 == 1 ? new long[0] : new long[] {Long.MIN_VALUE, i},
                    i % 6 == 2 ? new String[0] : new String[] {text, null, "{\"x\", y}"}});
        }
        return out;
    }

    /** Each row as it is, upserted into {@code table} by its key, in bulk (COPY) from 64 rows a flush. */
    private static final class TypesMapper implements PgRowMapper<Object[]> {
        private static final long serialVersionUID = 1L;
        private final String table;

        TypesMapper(String table) {
            this.table = table;
        }

        @Override
        public List<PgStatement> statements() {
            return List.of(PgStatement.bulk(table, "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (k) DO UPDATE SET i4 = EXCLUDED.i4, t = EXCLUDED.t"));
        }

        @Override
        public void map(Object[] r, PgBatch b) {
            b.add(0, r[0], r.clone());
        }
    }
}
