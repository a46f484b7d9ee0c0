package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.Serializable;

/**
 * A column a row mapper writes: its name in the table and the kind of value the mapper supplies.
 * The server's type decides the bytes ({@link TableLayout}): a time is a {@code DateTime64} on a
 * current server and a {@code DateTime} on an old one, a string map a {@code Map} or two arrays.
 */
public record ChColumn(String name, Kind kind) implements Serializable {
    /** The values a mapper supplies, each with the server types it may land in. */
    public enum Kind {
        /** {@code String} or {@code LowCardinality(String)}; null is written as ''. */
        STRING,
        /** {@code Nullable(String)} or {@code LowCardinality(Nullable(String))}. */
        NULLABLE_STRING,
        /** {@code String} holding bytes (a sketch in its binary form). */
        BYTES,
        NULLABLE_BYTES,
        UINT8,
        UINT16,
        UINT32,
        INT32,
        INT64,
        NULLABLE_INT64,
        UINT64,
        FLOAT64,
        NULLABLE_FLOAT64,
        /** Milliseconds since the epoch into {@code DateTime} (whole seconds). */
        DATETIME,
        /** Milliseconds since the epoch into {@code DateTime64(p)} or, on old servers, {@code DateTime}. */
        TIME_MILLIS,
        /** Nanoseconds since the epoch into {@code DateTime64(p)} or, on old servers, {@code DateTime}. */
        TIME_NANOS,
        /** Like {@link #TIME_MILLIS}, into {@code Nullable(DateTime64(p))} or {@code Nullable(DateTime)}. */
        NULLABLE_TIME_MILLIS,
        /** A {@code Map<String, String>} into {@code Map(String, String)} or {@code Nested(keys, values)}. */
        STRING_MAP,
        ARRAY_STRING,
        ARRAY_INT32,
        ARRAY_UINT32,
        ARRAY_INT64,
        ARRAY_UINT64,
        ARRAY_FLOAT64,
        /** {@code UInt64}: the writer's version of the row (ReplacingMergeTree keeps the highest). */
        VERSION
    }

    public static ChColumn of(String name, Kind kind) {
        return new ChColumn(name, kind);
    }
}
