package org.otlpanalytics.tests.support;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expected log pattern counts, computed straight from the generated protobuf messages with none
 * of the job's code: every body is classified into the generator's message family by a regex written
 * from {@code TelemetryGenerator}'s source, and records are counted per 5-minute bucket, tenant,
 * service and family (total, and errors: severity number 17+ or an ERROR/FATAL text).
 *
 * <p>A family is one log statement of the generator. The HTTP method of the frontend's request logs
 * is part of the family (the route path is not): GET and POST requests are different events to an
 * operator, and a Drain tree routes messages by their leading tokens ("Request", then the method), so
 * any Drain-style miner keeps them apart. A body no family matches fails the test.
 */
public final class LogOracle {
    public static final long WINDOW_MILLIS = 300_000L;

    private static final List<Family> FAMILIES = List.of(
            new Family("frontend", Pattern.compile("Request (GET|POST) /\\S* completed with status \\d{3} in \\d+ ms")),
            new Family("frontend", Pattern.compile("Request (GET|POST) /\\S* failed with status \\d{3} after \\d+ ms")),
            new Family("payment", Pattern.compile("Payment declined for order \\d{6}: card issuer timeout after \\d+ ms")),
            new Family("payment", Pattern.compile("Charged order \\d{6} amount \\d+\\.\\d0 EUR")),
            new Family("shipping", Pattern.compile("Scheduled shipment [0-9a-f]{1,8} for order \\d{6}")));

    private record Family(String service, Pattern regex) {}

    /** (tenant|service) -> family -> bucket -> {total, errors}. */
    private final Map<String, Map<String, TreeMap<Instant, long[]>>> counts = new TreeMap<>();
    private long records;

    public static String stream(String tenant, String service) {
        return tenant + "|" + service;
    }

    /**
     * The family of a body from {@code service}: the regex's index plus the captured HTTP method,
     * e.g. {@code frontend#0 GET}; null when nothing matches.
     */
    public static String familyOf(String service, String body) {
        for (int i = 0; i < FAMILIES.size(); i++) {
            Family f = FAMILIES.get(i);
            if (!f.service().equals(service)) {
                continue;
            }
            Matcher m = f.regex().matcher(body);
            if (m.matches()) {
                return service + "#" + i + (m.groupCount() > 0 ? " " + m.group(1) : "");
            }
        }
        return null;
    }

    public void add(byte[] message) throws Exception {
        ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(message);
        for (ResourceLogs rl : req.getResourceLogsList()) {
            String service = attr(rl.getResource().getAttributesList(), "service.name", "unknown_service");
            String tenant = attr(rl.getResource().getAttributesList(), "tenant.id", "default");
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
                    long ms = nanos / 1_000_000L;
                    Instant bucket = Instant.ofEpochMilli(ms - Math.floorMod(ms, WINDOW_MILLIS));
                    String body = r.getBody().getStringValue();
                    String family = familyOf(service, body);
                    if (family == null) {
                        throw new IllegalStateException("the oracle knows no family of '" + body + "' from " + service);
                    }
                    long[] c = counts.computeIfAbsent(stream(tenant, service), k -> new TreeMap<>())
                            .computeIfAbsent(family, k -> new TreeMap<>()).computeIfAbsent(bucket, k -> new long[2]);
                    c[0]++;
                    if (isError(r)) {
                        c[1]++;
                    }
                    records++;
                }
            }
        }
    }

    static boolean isError(LogRecord r) {
        if (r.getSeverityNumberValue() >= 17) {
            return true;
        }
        String t = r.getSeverityText().trim().toUpperCase(Locale.ROOT);
        return t.startsWith("ERROR") || t.startsWith("FATAL");
    }

    /** (tenant|service) -> family -> bucket -> {total, errors}. */
    public Map<String, Map<String, TreeMap<Instant, long[]>>> counts() {
        return counts;
    }

    public long records() {
        return records;
    }

    public long errors() {
        long n = 0;
        for (Map<String, TreeMap<Instant, long[]>> fams : counts.values()) {
            for (TreeMap<Instant, long[]> b : fams.values()) {
                for (long[] c : b.values()) {
                    n += c[1];
                }
            }
        }
        return n;
    }

    /** A count series as text, for exact comparison: "bucket total/errors, ...". */
    public static String series(TreeMap<Instant, long[]> buckets) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Instant, long[]> e : buckets.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(' ').append(e.getValue()[0]).append('/').append(e.getValue()[1]);
        }
        return sb.toString();
    }

    private static String attr(List<KeyValue> attrs, String key, String dflt) {
        for (KeyValue kv : attrs) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().getStringValue();
            }
        }
        return dflt;
    }
}
