package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.Serializable;
import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * Turns one output record into one row of one ClickHouse table. Implementations name the table and
 * its columns, and write the values with {@link RowBinaryRow}; the values go out as RowBinary data,
 * never as SQL text.
 */
public interface ClickHouseRowMapper<T> extends Serializable {
    /** The table (in the sink's database). */
    String table();

    /** The columns the mapper writes, in the order {@link #write} writes them. */
    List<ChColumn> columns();

    /** Writes the row's values, one call per column. */
    void write(T record, RowBinaryRow row);

    /**
     * The row's sorting key, for rows that are rewritten (a late record updates its minute): of two
     * rows with the same key in one batch only the later is sent. Null (the default) for tables whose
     * rows never repeat within a run (raw records).
     */
    default Object key(T record) {
        return null;
    }

    /** The Kafka records behind a record, named in the dead letter of a rejected row; null if unknown. */
    default KafkaOrigin origin(T record) {
        return null;
    }

    /** The records behind a row as {@code topic:partition:from-to,...} ('' when unknown): the --offsets form. */
    static String offsets(String topic, KafkaRange range) {
        KafkaOrigin o = KafkaOrigin.of(topic, range);
        return o == null ? "" : o.offsets();
    }

    /** The scheme part of a resource URN ({@code svc}, {@code host}, {@code peer}, {@code k8s}), as dim_resource.kind. */
    static String resourceKind(String urn) {
        return urn != null && urn.startsWith("urn:") && urn.indexOf(':', 4) > 0 ? urn.substring(4, urn.indexOf(':', 4)) : "other";
    }
}
