package org.otlpanalytics.operators.logs;

import java.util.Comparator;
import java.util.Locale;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * One log record waiting in {@link LogFingerprinter}'s buffer for the watermark: only what mining and
 * counting need (the (tenant, service) identity is the key's, kept once in {@link LogStreamInfo}),
 * and, when the fingerprinter emits its records ({@code log_record}), the whole decoded record.
 * Immutable (the record is a private copy nobody changes), so state copies share instances.
 */
public final class BufferedLog {
    /**
     * The feeding order: event time, then Kafka partition, then offset. Records of one Kafka message
     * tie on all three; a stable sort then keeps their order inside the message, which is the same in
     * every run because one message is decoded, and reaches the key, as one uninterrupted sequence.
     */
    public static final Comparator<BufferedLog> ORDER = Comparator.comparingLong(BufferedLog::timeNanos)
            .thenComparingInt(BufferedLog::partition).thenComparingLong(BufferedLog::offset);

    private final long timeNanos;
    private final int partition;
    private final long offset;
    private final int severityNumber;
    private final String severityText;
    private final boolean error;
    private final String body;
    /** The whole decoded record (null unless records are emitted); its body, time and Kafka place are the fields above. */
    private final LogRecordFlat record;

    public BufferedLog(long timeNanos, int partition, long offset, int severityNumber, String severityText, boolean error, String body) {
        this(timeNanos, partition, offset, severityNumber, severityText, error, body, null);
    }

    BufferedLog(long timeNanos, int partition, long offset, int severityNumber, String severityText, boolean error, String body,
            LogRecordFlat record) {
        this.record = record;
        this.timeNanos = timeNanos;
        this.partition = partition;
        this.offset = offset;
        this.severityNumber = severityNumber;
        this.severityText = severityText;
        this.error = error;
        this.body = body == null ? "" : body;
    }

    /** The buffered form of a decoded record; a record with only a severity text gets the number that text names. */
    public static BufferedLog of(LogRecordFlat r) {
        int sev = r.severityNumber > 0 ? r.severityNumber : severityFromText(r.severityText);
        return new BufferedLog(r.timeNanos, r.kafkaPartition, r.kafkaOffset, sev, r.severityText, r.isError(), r.body);
    }

    /** {@link #of} keeping a copy of the whole record, for {@link LogFingerprinter#RECORDS}. */
    public static BufferedLog withRecord(LogRecordFlat r) {
        int sev = r.severityNumber > 0 ? r.severityNumber : severityFromText(r.severityText);
        return new BufferedLog(r.timeNanos, r.kafkaPartition, r.kafkaOffset, sev, r.severityText, r.isError(), r.body, copy(r));
    }

    static LogRecordFlat copy(LogRecordFlat r) {
        LogRecordFlat c = new LogRecordFlat();
        c.tenant = r.tenant;
        c.serviceName = r.serviceName;
        c.serviceNamespace = r.serviceNamespace;
        c.serviceUrn = r.serviceUrn;
        c.hostName = r.hostName;
        c.timeNanos = r.timeNanos;
        c.severityNumber = r.severityNumber;
        c.severityText = r.severityText;
        c.body = r.body;
        c.traceIdHi = r.traceIdHi;
        c.traceIdLo = r.traceIdLo;
        c.spanId = r.spanId;
        c.attributes = r.attributes == null ? null : new java.util.LinkedHashMap<>(r.attributes);
        c.resourceAttributes = r.resourceAttributes == null ? null : new java.util.LinkedHashMap<>(r.resourceAttributes);
        c.kafkaPartition = r.kafkaPartition;
        c.kafkaOffset = r.kafkaOffset;
        c.indexInMessage = r.indexInMessage;
        return c;
    }

    /** The whole record, or null when it was buffered without it. Do not change it. */
    public LogRecordFlat record() {
        return record;
    }

    /** The lowest OTLP severity number of a level name (TRACE 1 ... FATAL 21), 0 when unknown. */
    static int severityFromText(String text) {
        if (text == null) {
            return 0;
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("FATAL") || t.startsWith("CRIT") || t.startsWith("EMERG") || t.equals("ALERT")) {
            return 21;
        }
        if (t.startsWith("ERR")) {
            return 17;
        }
        if (t.startsWith("WARN")) {
            return 13;
        }
        if (t.startsWith("INFO") || t.equals("NOTICE")) {
            return 9;
        }
        if (t.startsWith("DEBUG")) {
            return 5;
        }
        if (t.startsWith("TRACE")) {
            return 1;
        }
        return 0;
    }

    public long timeNanos() {
        return timeNanos;
    }

    public long timeMillis() {
        return Math.floorDiv(timeNanos, 1_000_000L);
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public int severityNumber() {
        return severityNumber;
    }

    public String severityText() {
        return severityText;
    }

    public boolean error() {
        return error;
    }

    public String body() {
        return body;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BufferedLog)) {
            return false;
        }
        BufferedLog b = (BufferedLog) o;
        return timeNanos == b.timeNanos && partition == b.partition && offset == b.offset && severityNumber == b.severityNumber
                && error == b.error && java.util.Objects.equals(severityText, b.severityText) && body.equals(b.body);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timeNanos) * 31 + body.hashCode();
    }

    @Override
    public String toString() {
        return "BufferedLog{" + timeNanos + " " + partition + "@" + offset + " sev=" + severityNumber + " " + body + "}";
    }
}
