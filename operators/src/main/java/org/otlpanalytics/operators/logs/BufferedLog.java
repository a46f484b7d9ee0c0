package org.otlpanalytics.operators.logs;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * One log record waiting in {@link LogFingerprinter}'s buffer for the watermark. The (tenant,
 * service) identity is the key's, kept once in {@link LogStreamInfo}; everything else of the record
 * is here: what mining and counting need always, and, when {@link LogPatternOptions#fingerprintedLogs()}
 * is on, the rest of the record too (host, trace and span ids, attribute maps), so that it can be
 * emitted whole with its fingerprint ({@link #toRecord}). Immutable (the maps are never changed), so
 * state copies share instances.
 */
public final class BufferedLog {
    /**
     * The feeding order: event time, then Kafka partition, offset and index in the message, which
     * together identify a record; so the order is the same in every run whatever the arrival order.
     * (Records restored from the first state format have index 0; a stable sort keeps their arrival
     * order inside a message, which is the message's own order.)
     */
    public static final Comparator<BufferedLog> ORDER = Comparator.comparingLong(BufferedLog::timeNanos)
            .thenComparingInt(BufferedLog::partition).thenComparingLong(BufferedLog::offset)
            .thenComparingInt(BufferedLog::indexInMessage);

    private final long timeNanos;
    private final int partition;
    private final long offset;
    private final int indexInMessage;
    private final int severityNumber;
    private final String severityText;
    private final boolean error;
    private final String body;
    /** Whether host, ids and attributes were kept (the record can be rebuilt whole). */
    private final boolean full;
    private final String hostName;
    private final long traceIdHi;
    private final long traceIdLo;
    private final long spanId;
    private final Map<String, String> attributes;
    private final Map<String, String> resourceAttributes;

    /** A record with what mining needs only. */
    public BufferedLog(long timeNanos, int partition, long offset, int severityNumber, String severityText, boolean error, String body) {
        this(timeNanos, partition, offset, 0, severityNumber, severityText, error, body, false, null, 0, 0, 0, null, null);
    }

    BufferedLog(long timeNanos, int partition, long offset, int indexInMessage, int severityNumber, String severityText,
            boolean error, String body, boolean full, String hostName, long traceIdHi, long traceIdLo, long spanId,
            Map<String, String> attributes, Map<String, String> resourceAttributes) {
        this.timeNanos = timeNanos;
        this.partition = partition;
        this.offset = offset;
        this.indexInMessage = indexInMessage;
        this.severityNumber = severityNumber;
        this.severityText = severityText;
        this.error = error;
        this.body = body == null ? "" : body;
        this.full = full;
        this.hostName = hostName;
        this.traceIdHi = traceIdHi;
        this.traceIdLo = traceIdLo;
        this.spanId = spanId;
        this.attributes = attributes;
        this.resourceAttributes = resourceAttributes;
    }

    /**
     * The buffered form of a decoded record: with every field when {@code full}, else with what
     * mining and counting need. The maps are shared with the record, not copied: decoders build a
     * new map per record and nothing changes it afterwards.
     */
    public static BufferedLog of(LogRecordFlat r, boolean full) {
        if (!full) {
            return new BufferedLog(r.timeNanos, r.kafkaPartition, r.kafkaOffset, r.indexInMessage, r.severityNumber,
                    r.severityText, r.isError(), r.body, false, null, 0, 0, 0, null, null);
        }
        return new BufferedLog(r.timeNanos, r.kafkaPartition, r.kafkaOffset, r.indexInMessage, r.severityNumber, r.severityText,
                r.isError(), r.body, true, r.hostName, r.traceIdHi, r.traceIdLo, r.spanId, r.attributes, r.resourceAttributes);
    }

    /**
     * The record again, with the stream's identity: every field as decoded when this was buffered
     * {@code full}, else host, ids and attributes empty.
     */
    public LogRecordFlat toRecord(LogStreamInfo stream) {
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = stream.tenant;
        r.serviceName = stream.serviceName;
        r.serviceNamespace = stream.serviceNamespace;
        r.serviceUrn = stream.serviceUrn;
        r.hostName = hostName;
        r.timeNanos = timeNanos;
        r.severityNumber = severityNumber;
        r.severityText = severityText;
        r.body = body;
        r.traceIdHi = traceIdHi;
        r.traceIdLo = traceIdLo;
        r.spanId = spanId;
        r.attributes = attributes;
        r.resourceAttributes = resourceAttributes;
        r.kafkaPartition = partition;
        r.kafkaOffset = offset;
        r.indexInMessage = indexInMessage;
        return r;
    }

    /** The OTLP severity number, or for a record with only a severity text the lowest number that text names. */
    public int severityRank() {
        return severityNumber > 0 ? severityNumber : severityFromText(severityText);
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

    public int indexInMessage() {
        return indexInMessage;
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

    public boolean full() {
        return full;
    }

    public String hostName() {
        return hostName;
    }

    public long traceIdHi() {
        return traceIdHi;
    }

    public long traceIdLo() {
        return traceIdLo;
    }

    public long spanId() {
        return spanId;
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    public Map<String, String> resourceAttributes() {
        return resourceAttributes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BufferedLog)) {
            return false;
        }
        BufferedLog b = (BufferedLog) o;
        return timeNanos == b.timeNanos && partition == b.partition && offset == b.offset && indexInMessage == b.indexInMessage
                && severityNumber == b.severityNumber && error == b.error && full == b.full && traceIdHi == b.traceIdHi
                && traceIdLo == b.traceIdLo && spanId == b.spanId && Objects.equals(severityText, b.severityText)
                && body.equals(b.body) && Objects.equals(hostName, b.hostName) && Objects.equals(attributes, b.attributes)
                && Objects.equals(resourceAttributes, b.resourceAttributes);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(timeNanos) * 31 + Long.hashCode(offset)) * 31 + body.hashCode();
    }

    @Override
    public String toString() {
        return "BufferedLog{" + timeNanos + " " + partition + "@" + offset + "#" + indexInMessage + " sev=" + severityNumber
                + " " + body + "}";
    }
}
