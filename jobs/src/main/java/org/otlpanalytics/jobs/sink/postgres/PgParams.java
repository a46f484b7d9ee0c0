package org.otlpanalytics.jobs.sink.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.postgresql.util.PGobject;

/** Binds Java values to statement parameters by type; nothing is ever spliced into SQL text. */
public final class PgParams {
    private PgParams() {}

    /** Marks a String to be bound as jsonb. */
    public static final class Json {
        final String text;

        public Json(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public static OffsetDateTime ts(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    static void bind(Connection c, PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object v = params[i];
            int idx = i + 1;
            if (v == null) {
                ps.setNull(idx, Types.NULL);
            } else if (v instanceof Long) {
                ps.setLong(idx, (Long) v);
            } else if (v instanceof Integer) {
                ps.setInt(idx, (Integer) v);
            } else if (v instanceof Double) {
                ps.setDouble(idx, (Double) v);
            } else if (v instanceof String) {
                ps.setString(idx, (String) v);
            } else if (v instanceof byte[]) {
                ps.setBytes(idx, (byte[]) v);
            } else if (v instanceof OffsetDateTime) {
                ps.setObject(idx, v);
            } else if (v instanceof Boolean) {
                ps.setBoolean(idx, (Boolean) v);
            } else if (v instanceof long[]) {
                long[] a = (long[]) v;
                Long[] boxed = new Long[a.length];
                for (int j = 0; j < a.length; j++) {
                    boxed[j] = a[j];
                }
                ps.setArray(idx, c.createArrayOf("bigint", boxed));
            } else if (v instanceof int[]) {
                int[] a = (int[]) v;
                Integer[] boxed = new Integer[a.length];
                for (int j = 0; j < a.length; j++) {
                    boxed[j] = a[j];
                }
                ps.setArray(idx, c.createArrayOf("integer", boxed));
            } else if (v instanceof String[]) {
                ps.setArray(idx, c.createArrayOf("text", (String[]) v));
            } else if (v instanceof Json) {
                PGobject o = new PGobject();
                o.setType("jsonb");
                o.setValue(((Json) v).text);
                ps.setObject(idx, o);
            } else {
                throw new SQLException("unsupported parameter type " + v.getClass().getName());
            }
        }
    }
}
