package org.otlpanalytics.jobs.sink.postgres;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Parameter sets as rows of PostgreSQL's {@code COPY ... FROM STDIN} text format: the same
 * values {@link PgParams#bind} binds, tab-separated, {@code \N} for null, with backslash, tab,
 * newline and carriage return escaped. The rows are data, never SQL text; a value the column
 * refuses (a NUL in text, a timestamp out of range) fails the COPY with the same SQL state the
 * bound statement would get, and the writer then locates the row with bound statements.
 */
final class PgCopyText {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private PgCopyText() {}

    /** Appends one row (ending in a newline) of {@code params} to {@code sb}. */
    static void appendRow(StringBuilder sb, Object[] params) {
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                sb.append('\t');
            }
            appendValue(sb, params[i]);
        }
        sb.append('\n');
    }

    static void appendValue(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("\\N");
        } else if (v instanceof Long || v instanceof Integer) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Double) {
            // the shortest text that reads back as the same double (PgDoubleText); PostgreSQL
            // reads NaN, Infinity and -Infinity as written
            PgDoubleText.append(sb, (Double) v);
        } else if (v instanceof String) {
            escaped(sb, (String) v);
        } else if (v instanceof PgParams.Json) {
            escaped(sb, ((PgParams.Json) v).text);
        } else if (v instanceof byte[]) {
            hex(sb, (byte[]) v);
        } else if (v instanceof OffsetDateTime) {
            timestamp(sb, (OffsetDateTime) v);
        } else if (v instanceof Boolean) {
            sb.append((Boolean) v ? 't' : 'f');
        } else if (v instanceof long[]) {
            long[] a = (long[]) v;
            sb.append('{');
            for (int j = 0; j < a.length; j++) {
                sb.append(j > 0 ? "," : "").append(a[j]);
            }
            sb.append('}');
        } else if (v instanceof int[]) {
            int[] a = (int[]) v;
            sb.append('{');
            for (int j = 0; j < a.length; j++) {
                sb.append(j > 0 ? "," : "").append(a[j]);
            }
            sb.append('}');
        } else if (v instanceof String[]) {
            StringBuilder array = new StringBuilder("{");
            String[] a = (String[]) v;
            for (int j = 0; j < a.length; j++) {
                array.append(j > 0 ? "," : "");
                if (a[j] == null) {
                    array.append("NULL");
                    continue;
                }
                array.append('"');
                for (int k = 0; k < a[j].length(); k++) {
                    char c = a[j].charAt(k);
                    if (c == '"' || c == '\\') {
                        array.append('\\');
                    }
                    array.append(c);
                }
                array.append('"');
            }
            escaped(sb, array.append('}').toString());
        } else {
            throw new IllegalArgumentException("unsupported parameter type " + v.getClass().getName());
        }
    }

    /** A timestamptz in UTC as PostgreSQL reads it; years past 9999 keep all their digits. */
    private static void timestamp(StringBuilder sb, OffsetDateTime t) {
        OffsetDateTime u = t.withOffsetSameInstant(ZoneOffset.UTC);
        int year = u.getYear();
        if (year < 1) {
            // 1 BC is year 0 in ISO; PostgreSQL has no year 0
            sb.append(1 - year);
        } else {
            pad(sb, year, 4);
        }
        sb.append('-');
        pad(sb, u.getMonthValue(), 2);
        sb.append('-');
        pad(sb, u.getDayOfMonth(), 2);
        sb.append(' ');
        pad(sb, u.getHour(), 2);
        sb.append(':');
        pad(sb, u.getMinute(), 2);
        sb.append(':');
        pad(sb, u.getSecond(), 2);
        int micros = u.getNano() / 1000;
        if (micros != 0) {
            sb.append('.');
            pad(sb, micros, 6);
        }
        sb.append("+00");
        if (year < 1) {
            sb.append(" BC");
        }
    }

    private static void pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    /** bytea in hex ({@code \\x} then two lowercase digits per byte), written straight into {@code sb}. */
    private static void hex(StringBuilder sb, byte[] b) {
        sb.append("\\\\x");
        sb.ensureCapacity(sb.length() + 2 * b.length);
        for (byte x : b) {
            sb.append(DIGITS[(x >> 4) & 0xf]).append(DIGITS[x & 0xf]);
        }
    }

    private static void escaped(StringBuilder sb, String s) {
        int first = firstSpecial(s);
        if (first < 0) {
            sb.append(s); // the usual case: nothing to escape, one bulk copy
            return;
        }
        sb.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                default:
                    sb.append(c);
            }
        }
    }

    /** The index of the first backslash, tab, newline or carriage return in {@code s}, or -1. */
    private static int firstSpecial(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                return i;
            }
        }
        return -1;
    }
}
