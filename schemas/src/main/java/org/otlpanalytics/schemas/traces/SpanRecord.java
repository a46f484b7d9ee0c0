package org.otlpanalytics.schemas.traces;

/**
 * One span, flattened: its resource identity, the fields RED and edge pairing need, and the
 * Kafka coordinates it came from. Public fields and a no-arg constructor keep it a Flink POJO.
 */
public class SpanRecord {
    // OTLP SpanKind numbers
    public static final int KIND_UNSPECIFIED = 0;
    public static final int KIND_INTERNAL = 1;
    public static final int KIND_SERVER = 2;
    public static final int KIND_CLIENT = 3;
    public static final int KIND_PRODUCER = 4;
    public static final int KIND_CONSUMER = 5;
    // OTLP StatusCode numbers
    public static final int STATUS_UNSET = 0;
    public static final int STATUS_OK = 1;
    public static final int STATUS_ERROR = 2;

    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    public String hostName;

    public long traceIdHi;
    public long traceIdLo;
    public long spanId;
    /** 0 for a root span. */
    public long parentSpanId;
    public String name;
    public int kind;
    public int statusCode;
    public long startTimeNanos;
    public long endTimeNanos;

    // attributes used to name uninstrumented peers (null when absent)
    public String peerService;
    public String dbSystem;
    public String dbNamespace;
    public String messagingSystem;
    public String messagingDestination;
    public String serverAddress;
    /** http.response.status_code (or legacy http.status_code); 0 when absent. */
    public int httpStatusCode;
    /** http.route (null when absent): the route behind a server span, for top-K of failing routes. */
    public String httpRoute;
    /** error.type (null when absent). */
    public String errorType;
    /**
     * Values of the span attributes the decoder was configured to keep (the RED dimensions of
     * {@code --red-attributes}), in the configured order, null where absent; null when none are
     * configured.
     */
    public String[] attributes;

    /**
     * Span attributes and resource attributes as text (bounded and sanitized), or null when the
     * decoder was not asked to keep them (only the raw {@code span} store needs them).
     */
    public java.util.Map<String, String> spanAttributes;
    public java.util.Map<String, String> resourceAttributes;

    // where it came from
    public int kafkaPartition;
    public long kafkaOffset;
    /** Index of the span within its Kafka message (with partition and offset, a unique span id). */
    public int indexInMessage;

    public SpanRecord() {}

    public long durationNanos() {
        return Math.max(0L, endTimeNanos - startTimeNanos);
    }

    public long startMillis() {
        return startTimeNanos / 1_000_000L;
    }

    public boolean isError() {
        return statusCode == STATUS_ERROR;
    }

    public String traceIdHex() {
        return String.format("%016x%016x", traceIdHi, traceIdLo);
    }

    public static String kindName(int kind) {
        switch (kind) {
            case KIND_INTERNAL:
                return "INTERNAL";
            case KIND_SERVER:
                return "SERVER";
            case KIND_CLIENT:
                return "CLIENT";
            case KIND_PRODUCER:
                return "PRODUCER";
            case KIND_CONSUMER:
                return "CONSUMER";
            default:
                return "UNSPECIFIED";
        }
    }

    public static String statusName(int status) {
        switch (status) {
            case STATUS_OK:
                return "OK";
            case STATUS_ERROR:
                return "ERROR";
            default:
                return "UNSET";
        }
    }

    @Override
    public String toString() {
        return "Span{" + serviceName + " " + name + " " + kindName(kind) + " " + statusName(statusCode)
                + " trace=" + traceIdHex() + " span=" + Long.toHexString(spanId)
                + " parent=" + Long.toHexString(parentSpanId) + "}";
    }
}
