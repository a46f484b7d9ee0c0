package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of binary COPY rows, checked against the layout PostgreSQL's documentation gives for COPY and each type's send function. */
class PgCopyBinaryTest {
    private static String row(List<String> types, Object... params) throws SQLException {
        PgCopyBinary b = PgCopyBinary.of(types);
        PgCopyBinary.ByteSink out = new PgCopyBinary.ByteSink(4);
        b.appendRow(out, params);
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @Test
    void theStreamStartsWithTheSignatureFlagsAndExtensionLengthAndEndsWithMinusOne() {
        PgCopyBinary.ByteSink out = new PgCopyBinary.ByteSink(1);
        PgCopyBinary.appendHeader(out);
        PgCopyBinary.appendTrailer(out);
        assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo("5047434f50590aff0d0a00" + "00000000" + "00000000" + "ffff");
    }

    @Test
    void aRowIsItsFieldCountThenEachFieldsLengthAndBigEndianValueWithMinusOneForNull() throws SQLException {
        assertThat(row(List.of("int8", "int4", "bool", "int8"), 1L, -2, true, null)).isEqualTo(
                "0004" + "00000008" + "0000000000000001" + "00000004" + "fffffffe" + "00000001" + "01" + "ffffffff");
        // an Integer widens into an int8 column, as setInt would be cast
        assertThat(row(List.of("int8"), 7)).isEqualTo("0001" + "00000008" + "0000000000000007");
    }

    @Test
    void doublesAreTheirIeeeBitsWithOneNanAndNegativeZeroKept() throws SQLException {
        assertThat(row(List.of("float8", "float8", "float8", "float8"), 1.5, -0.0, Double.longBitsToDouble(0x7ff8000000000001L),
                Double.NEGATIVE_INFINITY)).isEqualTo("0004" + "00000008" + "3ff8000000000000" + "00000008" + "8000000000000000"
                + "00000008" + "7ff8000000000000" + "00000008" + "fff0000000000000");
    }

    @Test
    void textIsUtf8AndJsonbIsVersionOneThenTheText() throws SQLException {
        assertThat(row(List.of("text", "jsonb", "text"), "a\tb", new PgParams.Json("{}"), "\u00e9")).isEqualTo(
                "0003" + "00000003" + "610962" + "00000003" + "01" + "7b7d" + "00000002" + "c3a9");
    }

    @Test
    void byteaIsItsBytesAndTimestamptzMicrosecondsSince2000Utc() throws SQLException {
        assertThat(row(List.of("bytea", "timestamptz", "timestamptz"), new byte[] {1, (byte) 0xab},
                OffsetDateTime.parse("2000-01-01T01:00:00.000001999+01:00"), PgParams.ts(0L))).isEqualTo(
                "0003" + "00000002" + "01ab" + "00000008" + "0000000000000001" + "00000008" + String.format("%016x", -946_684_800_000_000L));
    }

    @Test
    void arraysAreOneDimensionalFromOneWithTheirElementTypeAndEmptyOnesHaveNoDimension() throws SQLException {
        assertThat(row(List.of("_int4", "_int8", "_int4"), new int[] {3, -1}, new long[] {5}, new int[0])).isEqualTo("0003"
                + "00000024" + "00000001" + "00000000" + "00000017" + "00000002" + "00000001"
                + "00000004" + "00000003" + "00000004" + "ffffffff"
                + "00000020" + "00000001" + "00000000" + "00000014" + "00000001" + "00000001" + "00000008" + "0000000000000005"
                + "0000000c" + "00000000" + "00000000" + "00000017");
        assertThat(row(List.of("_text"), (Object) new String[] {"a", null})).isEqualTo("0001"
                + "0000001d" + "00000001" + "00000001" + "00000019" + "00000002" + "00000001" + "00000001" + "61" + "ffffffff");
    }

    @Test
    void aTableWithATypeWithoutABinaryFormHereHasNone() {
        assertThat(PgCopyBinary.of(List.of("int8", "numeric"))).isNull();
        assertThat(PgCopyBinary.of(List.of("INT8", "_TEXT")).columns()).isEqualTo(2);
    }

    @Test
    void aValueThatDoesNotFitItsColumnIsADataErrorSoTheFlushFallsBackToBoundStatements() {
        assertThatThrownBy(() -> row(List.of("int4"), 1L)).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(PgErrors.isDataError((SQLException) e)).isTrue());
        assertThatThrownBy(() -> row(List.of("timestamptz"), PgParams.ts(Long.MAX_VALUE))).isInstanceOf(SQLException.class)
                .hasFieldOrPropertyWithValue("SQLState", "22008");
        assertThatThrownBy(() -> row(List.of("int8", "int8"), 1L)).isInstanceOf(SQLException.class);
    }
}
