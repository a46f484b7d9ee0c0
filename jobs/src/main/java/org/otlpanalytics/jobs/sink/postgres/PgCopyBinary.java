package org.otlpanalytics.jobs.sink.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * Parameter sets as rows of PostgreSQL's {@code COPY ... FROM STDIN (FORMAT binary)}: the same
 * values {@link PgParams#bind} binds, each in its column type's binary form ({@code *_send}),
 * so the server reads them without parsing text (float8in, array_in, timestamptz_in, hex bytea:
 * about a third of its work for a {@code metric_1m} row in text). The rows are data, never SQL
 * text. The column types come from the table ({@link #of}); a table with a column type not listed
 * in {@link Type} has no binary form and is copied as text ({@link PgCopyText}).
 *
 * <p>A value the column refuses fails the COPY with the same SQL state as the bound statement (a
 * NUL in text: 22021; a timestamp out of range: 22008). A value whose Java type does not fit its
 * column (a mapper's mistake, not the data's) fails it with state 22000, a data error: the writer
 * then writes the flush again with bound statements, which let the server cast it.
 */
final class PgCopyBinary {
    /** The file header: signature, flags (no OIDs), header extension length. */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** Microseconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01, both UTC. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final int INT4_OID = 23;
    private static final int INT8_OID = 20;
    private static final int TEXT_OID = 25;

    /** The column types with a binary form here, by the names JDBC's metadata gives them. */
    enum Type {
        INT8("int8"), INT4("int4"), FLOAT8("float8"), TEXT("text"), JSONB("jsonb"), BYTEA("bytea"),
        TIMESTAMPTZ("timestamptz"), BOOL("bool"), INT4_ARRAY("_int4"), INT8_ARRAY("_int8"), TEXT_ARRAY("_text");

        final String pgName;

        Type(String pgName) {
            this.pgName = pgName;
        }

        /** The type of the column named {@code pgName} ({@code ResultSetMetaData.getColumnTypeName}), or null. */
        static Type of(String pgName) {
            for (Type t : values()) {
                if (t.pgName.equals(pgName.toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            return null;
        }
    }

    private final Type[] types;

    private PgCopyBinary(Type[] types) {
        this.types = types;
    }

    /** The binary form for columns of {@code pgTypeNames} (in COPY order), or null when one has none. */
    static PgCopyBinary of(List<String> pgTypeNames) {
        Type[] types = new Type[pgTypeNames.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = Type.of(pgTypeNames.get(i));
            if (types[i] == null) {
                return null;
            }
        }
        return new PgCopyBinary(types);
    }

    int columns() {
        return types.length;
    }

    /** Appends the header that starts a binary COPY stream. */
    static void appendHeader(ByteSink out) {
        out.write(HEADER, 0, HEADER.length);
    }

    /** Appends the trailer that ends it. */
    static void appendTrailer(ByteSink out) {
        out.writeShort(-1);
    }

    /** Appends one row of {@code params}, one per column. */
    void appendRow(ByteSink out, Object[] params) throws SQLException {
        if (params.length != types.length) {
            throw mismatch(params.length + " values for " + types.length + " columns");
        }
        out.writeShort(types.length);
        for (int i = 0; i < types.length; i++) {
            Object v = params[i];
            if (v == null) {
                out.writeInt(-1);
            } else {
                appendValue(out, types[i], v);
            }
        }
    }

    private static void appendValue(ByteSink out, Type t, Object v) throws SQLException {
        switch (t) {
            case INT8:
                if (v instanceof Long || v instanceof Integer) {
                    out.writeInt(8);
                    out.writeLong(((Number) v).longValue());
                    return;
                }
                break;
            case INT4:
                if (v instanceof Integer) {
                    out.writeInt(4);
                    out.writeInt((Integer) v);
                    return;
                }
                break;
            case FLOAT8:
                if (v instanceof Double) {
                    out.writeInt(8);
                    // doubleToLongBits: one NaN, as float8in reads 'NaN'; -0.0 stays -0.0
                    out.writeLong(Double.doubleToLongBits((Double) v));
                    return;
                }
                break;
            case TEXT:
                if (v instanceof String) {
                    out.writeLengthAndUtf8((String) v, 0);
                    return;
                }
                break;
            case JSONB:
                if (v instanceof PgParams.Json) {
                    // jsonb_recv: a version byte (1), then the JSON text
                    out.writeLengthAndUtf8(((PgParams.Json) v).text, 1);
                    return;
                }
                break;
            case BYTEA:
                if (v instanceof byte[]) {
                    byte[] b = (byte[]) v;
                    out.writeInt(b.length);
                    out.write(b, 0, b.length);
                    return;
                }
                break;
            case TIMESTAMPTZ:
                if (v instanceof OffsetDateTime) {
                    OffsetDateTime ts = (OffsetDateTime) v;
                    // microseconds (truncated, as the text form) since 2000-01-01 UTC; the server checks the range
                    long micros;
                    try {
                        micros = Math.subtractExact(Math.addExact(Math.multiplyExact(ts.toEpochSecond(), 1_000_000L),
                                ts.getNano() / 1000), PG_EPOCH_MICROS);
                    } catch (ArithmeticException e) {
                        throw new SQLException("binary COPY: timestamp out of range: " + ts, "22008");
                    }
                    out.writeInt(8);
                    out.writeLong(micros);
                    return;
                }
                break;
            case BOOL:
                if (v instanceof Boolean) {
                    out.writeInt(1);
                    out.writeByte((Boolean) v ? 1 : 0);
                    return;
                }
                break;
            case INT4_ARRAY:
                if (v instanceof int[]) {
                    int[] a = (int[]) v;
                    arrayHeader(out, a.length, 4 * 2 * a.length, INT4_OID, false);
                    for (int x : a) {
                        out.writeInt(4);
                        out.writeInt(x);
                    }
                    return;
                }
                break;
            case INT8_ARRAY:
                if (v instanceof long[]) {
                    long[] a = (long[]) v;
                    arrayHeader(out, a.length, 12 * a.length, INT8_OID, false);
                    for (long x : a) {
                        out.writeInt(8);
                        out.writeLong(x);
                    }
                    return;
                }
                break;
            case TEXT_ARRAY:
                if (v instanceof String[]) {
                    textArray(out, (String[]) v);
                    return;
                }
                break;
            default:
                break;
        }
        throw mismatch("a " + v.getClass().getSimpleName() + " for a " + t.pgName + " column");
    }

    /** {@code array_send}'s layout: dimensions, null flag, element type, then size and lower bound (1) of the one dimension. */
    private static void arrayHeader(ByteSink out, int n, int elementBytes, int elementOid, boolean hasNulls) {
        if (n == 0) {
            out.writeInt(12);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(elementOid);
            return;
        }
        out.writeInt(20 + elementBytes);
        out.writeInt(1);
        out.writeInt(hasNulls ? 1 : 0);
        out.writeInt(elementOid);
        out.writeInt(n);
        out.writeInt(1);
    }

    private static void textArray(ByteSink out, String[] a) {
        byte[][] utf8 = new byte[a.length][];
        int bytes = 0;
        boolean nulls = false;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null) {
                nulls = true;
                bytes += 4;
            } else {
                utf8[i] = a[i].getBytes(StandardCharsets.UTF_8);
                bytes += 4 + utf8[i].length;
            }
        }
        arrayHeader(out, a.length, bytes, TEXT_OID, nulls);
        for (byte[] b : utf8) {
            if (b == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(b.length);
                out.write(b, 0, b.length);
            }
        }
    }

    private static SQLException mismatch(String what) {
        return new SQLException("binary COPY: " + what, "22000");
    }

    /** A growable big-endian byte buffer, emptied by its owner after each write to the server. */
    static final class ByteSink {
        private byte[] buf;
        private int size;

        ByteSink(int capacity) {
            buf = new byte[capacity];
        }

        int size() {
            return size;
        }

        byte[] array() {
            return buf;
        }

        void reset() {
            size = 0;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, size);
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void writeByte(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void writeShort(int v) {
            ensure(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void writeInt(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        /**
         * The UTF-8 length of {@code s} plus {@code prefix} bytes (0 or a version byte of 1), that
         * version byte when given, then the bytes; ASCII strings (the usual case) without a copy.
         */
        void writeLengthAndUtf8(String s, int version) {
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    ascii = false;
                    break;
                }
            }
            int prefix = version > 0 ? 1 : 0;
            if (!ascii) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                writeInt(prefix + b.length);
                if (prefix > 0) {
                    writeByte(version);
                }
                write(b, 0, b.length);
                return;
            }
            writeInt(prefix + n);
            if (prefix > 0) {
                writeByte(version);
            }
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[size++] = (byte) s.charAt(i);
            }
        }
    }
}
