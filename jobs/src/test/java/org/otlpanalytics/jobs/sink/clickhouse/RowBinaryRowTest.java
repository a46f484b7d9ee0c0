package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.logs.FingerprintedLog;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

class RowBinaryRowTest {
    static final String CURRENT = String.join("\n", "time\tDateTime64(9, \\'UTC\\')", "b\tDateTime(\\'UTC\\')",
            "name\tLowCardinality(String)", "note\tLowCardinality(Nullable(String))", "attrs\tMap(LowCardinality(String), String)",
            "n\tUInt64", "ids\tArray(Int64)", "") + "\n";
    static final String OLD = String.join("\n", "time\tDateTime(\\'UTC\\')", "b\tDateTime(\\'UTC\\')", "name\tString",
            "note\tNullable(String)", "attrs.keys\tArray(String)", "attrs.values\tArray(String)", "n\tUInt64", "ids\tArray(Int64)")
            + "\n";
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("time", ChColumn.Kind.TIME_NANOS),
            ChColumn.of("b", ChColumn.Kind.DATETIME), ChColumn.of("name", ChColumn.Kind.STRING),
            ChColumn.of("note", ChColumn.Kind.NULLABLE_STRING), ChColumn.of("attrs", ChColumn.Kind.STRING_MAP),
            ChColumn.of("n", ChColumn.Kind.UINT64), ChColumn.of("ids", ChColumn.Kind.ARRAY_INT64));

    private static byte[] encode(TableLayout layout, long nanos, String name, String note, Map<String, String> attrs) {
        RowBinaryBuffer buf = new RowBinaryBuffer(64);
        RowBinaryRow row = new RowBinaryRow(buf, layout).start(0);
        row.timeNanos(nanos).dateTime(nanos / 1_000_000).string(name).nullableString(note).stringMap(attrs).uint64(7)
                .int64Array(new long[] {-1, 2});
        row.finish();
        return Arrays.copyOf(buf.array(), buf.length());
    }

    @Test
    void encodesTheBytesEachServerTypeExpects() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("k", "v");
        TableLayout current = TableLayout.resolve("t", COLUMNS, CURRENT);
        assertThat(current.insertColumns).containsExactly("time", "b", "name", "note", "attrs", "n", "ids");
        byte[] c = encode(current, 1_700_000_000_123_456_789L, "é", null, attrs);
        assertThat(HexFormat.of().formatHex(c)).isEqualTo(
                "15cd853dfe9c9717" // DateTime64(9): nanoseconds, Int64 LE
                        + "00f15365" // DateTime: 1700000000 s, UInt32 LE
                        + "02c3a9" // String: varint length, UTF-8
                        + "01" // Nullable: NULL
                        + "01016b0176" // Map: 1 pair, k, v
                        + "0700000000000000" // UInt64
                        + "02ffffffffffffffff0200000000000000"); // Array(Int64)
        TableLayout old = TableLayout.resolve("t", COLUMNS, OLD);
        assertThat(old.insertColumns).containsExactly("time", "b", "name", "note", "attrs.keys", "attrs.values", "n", "ids");
        byte[] o = encode(old, 1_700_000_000_123_456_789L, "é", "x", attrs);
        assertThat(HexFormat.of().formatHex(o)).isEqualTo("00f15365" + "00f15365" + "02c3a9" + "000178" + "01016b" + "010176"
                + "0700000000000000" + "02ffffffffffffffff0200000000000000");
    }

    @Test
    void readsBackWhatItWrote() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("quote\"'", "tab\tnewline\n\\ emoji \uD83D\uDE00");
        for (String describe : List.of(CURRENT, OLD)) {
            TableLayout l = TableLayout.resolve("t", COLUMNS, describe);
            byte[] b = encode(l, 1_700_000_000_123_456_789L, "name", "note", attrs);
            Object[] v = new RowBinaryReader(b, 0).row(l.columns);
            assertThat(v[2]).isEqualTo("name");
            assertThat(v[3]).isEqualTo("note");
            assertThat(v[4]).isEqualTo(attrs);
            assertThat(v[5]).isEqualTo(7L);
            assertThat(v[6]).isEqualTo(List.of(-1L, 2L));
        }
    }

    @Test
    void int32ArraysAreLittleEndianAndReadBack() {
        List<ChColumn> cols = List.of(ChColumn.of("idx", ChColumn.Kind.ARRAY_INT32));
        TableLayout l = TableLayout.resolve("t", cols, "idx\tArray(Int32)\n");
        RowBinaryBuffer buf = new RowBinaryBuffer(8);
        RowBinaryRow row = new RowBinaryRow(buf, l).start(0);
        row.int32Array(new int[] {Integer.MIN_VALUE, -1383, 7});
        row.finish();
        byte[] b = Arrays.copyOf(buf.array(), buf.length());
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("03" + "00000080" + "99faffff" + "07000000");
        assertThat(new RowBinaryReader(b, 0).row(l.columns)[0]).isEqualTo(List.of((long) Integer.MIN_VALUE, -1383L, 7L));
        assertThatThrownBy(() -> TableLayout.resolve("t", cols, "idx\tArray(Int64)\n")).hasMessageContaining("t.idx has type");
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacters() {
        RowBinaryBuffer buf = new RowBinaryBuffer(8);
        buf.string("a\uD800b");
        assertThat(HexFormat.of().formatHex(Arrays.copyOf(buf.array(), buf.length()))).isEqualTo("0561efbfbd62");
    }

    @Test
    void rejectsATableWhoseColumnsDoNotFit() {
        assertThatThrownBy(() -> TableLayout.resolve("t", COLUMNS, CURRENT.replace("n\tUInt64", "n\tString")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("t.n has type String");
        assertThatThrownBy(() -> TableLayout.resolve("t", COLUMNS, CURRENT.replace("ids\tArray(Int64)\n", "")))
                .hasMessageContaining("has no column ids");
    }

    @Test
    void aValueOfTheWrongKindFailsAtOnce() {
        RowBinaryRow row = new RowBinaryRow(new RowBinaryBuffer(8), TableLayout.resolve("t", COLUMNS, CURRENT)).start(0);
        assertThatThrownBy(() -> row.string("x")).hasMessageContaining("column time takes TIME_NANOS");
    }

    @Test
    void logRecordsEncodeTheirIdsAsHexAndTheirAttributes() {
        LogRecordFlat r = new LogRecordFlat();
        r.timeNanos = 1_700_000_000_000_000_001L;
        r.tenant = "t";
        r.serviceName = "s";
        r.serviceNamespace = "n";
        r.serviceUrn = "urn:svc:n/s";
        r.severityNumber = 17;
        r.body = "boom";
        r.traceIdHi = 1;
        r.traceIdLo = 0xabL;
        r.spanId = 0xffL;
        r.attributes = Map.of("a", "b");
        r.kafkaPartition = 1;
        r.kafkaOffset = 42;
        r.indexInMessage = 3;
        LogRecordMapper m = new LogRecordMapper();
        StringBuilder describe = new StringBuilder();
        for (ChColumn c : m.columns()) {
            describe.append(c.name()).append('\t').append(typeFor(c.kind())).append('\n');
        }
        TableLayout l = TableLayout.resolve("log_record", m.columns(), describe.toString());
        RowBinaryBuffer buf = new RowBinaryBuffer(8);
        RowBinaryRow row = new RowBinaryRow(buf, l).start(0);
        m.write(new FingerprintedLog(r, -5L), row);
        row.finish();
        Object[] v = new RowBinaryReader(buf.array(), 0).row(l.columns);
        assertThat(v[0]).isEqualTo(1_700_000_000_000_000_001L);
        assertThat(v[5]).isEqualTo(""); // no host
        assertThat(v[8]).isEqualTo(1); // is_error
        assertThat(v[9]).isEqualTo(-5L);
        assertThat(v[11]).isEqualTo("000000000000000100000000000000ab");
        assertThat(v[12]).isEqualTo("00000000000000ff");
        assertThat(v[13]).isEqualTo(Map.of("a", "b"));
        assertThat(v[14]).isEqualTo(Map.of());
        assertThat(v[17]).isEqualTo(3L);
    }

    static String typeFor(ChColumn.Kind k) {
        switch (k) {
            case TIME_NANOS:
                return "DateTime64(9, 'UTC')";
            case STRING:
                return "String";
            case UINT8:
                return "UInt8";
            case UINT32:
                return "UInt32";
            case INT32:
                return "Int32";
            case INT64:
                return "Int64";
            case STRING_MAP:
                return "Map(String, String)";
            default:
                throw new IllegalArgumentException(k.toString());
        }
    }
}
