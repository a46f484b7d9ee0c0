package org.otlpanalytics.schemas.logs;

/**
 * One log record, flattened: resource identity, time, severity, body text (bounded) and the
 * Kafka coordinates it came from. A Flink POJO.
 */
public class LogRecordFlat {
    /** OTLP SeverityNumber ERROR (17) and above count as errors. */
    public static final int SEVERITY_ERROR = 17;

    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    public String hostName;

    /** time_unix_nano, or observed_time_unix_nano when the former is 0. */
    public long timeNanos;
    public int severityNumber;
    public String severityText;
    public String body;
    public long traceIdHi;
    public long traceIdLo;
    public long spanId;

    /**
     * Record attributes and resource attributes as text (bounded and sanitized like every other
     * string), or null when the decoder was not asked to keep them (only the raw-record stores
     * need them; the aggregates do not).
     */
    public java.util.Map<String, String> attributes;
    public java.util.Map<String, String> resourceAttributes;

    public int kafkaPartition;
    public long kafkaOffset;
    /** Index of the record within its Kafka message (with partition and offset, a unique record id). */
    public int indexInMessage;

    public LogRecordFlat() {}

    public long timeMillis() {
        return timeNanos / 1_000_000L;
    }

    /** Error = severity number at or above ERROR (17), or an ERROR/FATAL severity text. */
    public boolean isError() {
        if (severityNumber >= SEVERITY_ERROR) {
            return true;
        }
        if (severityText == null) {
            return false;
        }
        // the trimmed text, compared without case and without allocating (this runs once per record)
        String t = severityText;
        int a = 0;
        int b = t.length();
        while (a < b && t.charAt(a) <= ' ') {
            a++;
        }
        while (b > a && t.charAt(b - 1) <= ' ') {
            b--;
        }
        return startsWith(t, a, b, "ERROR") || startsWith(t, a, b, "FATAL") || is(t, a, b, "CRITICAL")
                || is(t, a, b, "EMERGENCY") || is(t, a, b, "ALERT") || is(t, a, b, "CRIT");
    }

    private static boolean startsWith(String t, int a, int b, String upper) {
        return b - a >= upper.length() && t.regionMatches(true, a, upper, 0, upper.length());
    }

    private static boolean is(String t, int a, int b, String upper) {
        return b - a == upper.length() && t.regionMatches(true, a, upper, 0, upper.length());
    }
}
