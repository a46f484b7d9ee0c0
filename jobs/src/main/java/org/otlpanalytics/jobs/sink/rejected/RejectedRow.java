package org.otlpanalytics.jobs.sink.rejected;

import java.nio.charset.StandardCharsets;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.otlpanalytics.schemas.JsonText;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;

/**
 * One output row a store refused as data (a value it cannot hold, a violated constraint), as it
 * goes to the dead-letter topic: the value is a JSON description of the row
 * ({@code {"store":…,"table":…,"params":[…]}}, the statement's parameters in order; bytes in
 * base64, times in ISO-8601), the headers name the reason, the store, the table and, when known,
 * the Kafka records behind the row.
 */
public final class RejectedRow {
    /** The store's message, with its error code first (SQLSTATE for PostgreSQL). */
    public static final String HEADER_REASON = DeadLetterSerializer.HEADER_REASON;
    /** The store's error code alone (SQLSTATE for PostgreSQL). */
    public static final String HEADER_CODE = "otlp.error.code";
    public static final String HEADER_STORE = "otlp.sink.store";
    public static final String HEADER_TABLE = "otlp.sink.table";
    /** Topic, partition and offset as for undecodable messages: -1 when the row has no single record. */
    public static final String HEADER_TOPIC = DeadLetterSerializer.HEADER_TOPIC;
    public static final String HEADER_PARTITION = DeadLetterSerializer.HEADER_PARTITION;
    public static final String HEADER_OFFSET = DeadLetterSerializer.HEADER_OFFSET;
    /** Every record behind the row: {@code topic:partition:from-to,...} (inclusive). */
    public static final String HEADER_OFFSETS = "otlp.source.offsets";
    static final int MAX_HEADER_CHARS = 1024;

    public final String store;
    public final String table;
    public final String code;
    public final String reason;
    public final KafkaOrigin origin;
    public final String json;

    public RejectedRow(String store, String table, String code, String reason, KafkaOrigin origin, Object[] params) {
        this.store = store;
        this.table = table;
        this.code = code;
        this.reason = reason;
        this.origin = origin;
        this.json = describe(store, table, params);
    }

    /** The record for the dead-letter topic; its timestamp is the newest event time behind the row, if known. */
    public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
        List<Header> h = new ArrayList<>(8);
        h.add(header(HEADER_REASON, (code == null ? "" : code + " ") + (reason == null ? "unknown" : reason)));
        h.add(header(HEADER_CODE, code == null ? "" : code));
        h.add(header(HEADER_STORE, store));
        h.add(header(HEADER_TABLE, table));
        h.add(header(HEADER_TOPIC, origin == null ? "" : origin.topic));
        h.add(header(HEADER_PARTITION, Integer.toString(origin == null ? -1 : origin.singlePartition())));
        h.add(header(HEADER_OFFSET, Long.toString(origin == null ? -1 : origin.singleOffset())));
        if (origin != null) {
            h.add(header(HEADER_OFFSETS, origin.offsets()));
        }
        Long ts = origin != null && origin.timeToMillis() > 0 ? origin.timeToMillis() : null;
        return new ProducerRecord<>(topic, null, ts, null, json.getBytes(StandardCharsets.UTF_8), h);
    }

    private static Header header(String key, String value) {
        String v = value.length() > MAX_HEADER_CHARS ? value.substring(0, MAX_HEADER_CHARS) : value;
        return new RecordHeader(key, v.getBytes(StandardCharsets.UTF_8));
    }

    static String describe(String store, String table, Object[] params) {
        StringBuilder sb = new StringBuilder("{\"store\":");
        JsonText.appendQuoted(sb, store);
        sb.append(",\"table\":");
        JsonText.appendQuoted(sb, table);
        sb.append(",\"params\":[");
        for (int i = 0; i < params.length; i++) {
            sb.append(i > 0 ? "," : "");
            value(sb, params[i]);
        }
        return sb.append("]}").toString();
    }

    /** One parameter as JSON: numbers and booleans as such, non-finite numbers and everything else as strings. */
    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                sb.append(d);
            } else {
                JsonText.appendQuoted(sb, Double.toString(d));
            }
        } else if (v instanceof byte[]) {
            JsonText.appendQuoted(sb, Base64.getEncoder().encodeToString((byte[]) v));
        } else if (v instanceof long[]) {
            sb.append('[');
            long[] a = (long[]) v;
            for (int i = 0; i < a.length; i++) {
                sb.append(i > 0 ? "," : "").append(a[i]);
            }
            sb.append(']');
        } else if (v instanceof int[]) {
            sb.append('[');
            int[] a = (int[]) v;
            for (int i = 0; i < a.length; i++) {
                sb.append(i > 0 ? "," : "").append(a[i]);
            }
            sb.append(']');
        } else if (v instanceof String[]) {
            sb.append('[');
            String[] a = (String[]) v;
            for (int i = 0; i < a.length; i++) {
                sb.append(i > 0 ? "," : "");
                value(sb, a[i]);
            }
            sb.append(']');
        } else if (v instanceof TemporalAccessor) {
            JsonText.appendQuoted(sb, v.toString());
        } else {
            JsonText.appendQuoted(sb, String.valueOf(v));
        }
    }
}
