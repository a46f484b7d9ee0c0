package org.otlpanalytics.tests.support;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The expected RED numbers, computed straight from the generated protobuf messages with none of
 * the job's code: group spans by minute, tenant, service, name, kind and status; count; keep the
 * durations to check quantiles.
 */
public final class RedOracle {
    /** Expected values of one red_1m row. */
    public static final class Expected {
        public long calls;
        public long errors;
        public final List<Double> durationsMs = new ArrayList<>();
    }

    private final Map<String, Expected> rows = new TreeMap<>();

    public static String key(Instant bucket, String tenant, String service, String op, String kind, String status) {
        return bucket + "|" + tenant + "|" + service + "|" + op + "|" + kind + "|" + status;
    }

    public void add(byte[] message) throws Exception {
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(message);
        for (ResourceSpans rs : req.getResourceSpansList()) {
            String service = attr(rs.getResource().getAttributesList(), "service.name", "unknown_service");
            String tenant = attr(rs.getResource().getAttributesList(), "tenant.id", "default");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    long startMs = s.getStartTimeUnixNano() / 1_000_000L;
                    Instant bucket = Instant.ofEpochMilli(startMs - Math.floorMod(startMs, 60_000L));
                    String kind = s.getKind().name().replace("SPAN_KIND_", "");
                    String status = s.getStatus().getCode().name().replace("STATUS_CODE_", "");
                    Expected e = rows.computeIfAbsent(key(bucket, tenant, service, s.getName(), kind, status), k -> new Expected());
                    e.calls++;
                    if (s.getStatus().getCode() == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR) {
                        e.errors++;
                    }
                    e.durationsMs.add((s.getEndTimeUnixNano() - s.getStartTimeUnixNano()) / 1_000_000.0);
                }
            }
        }
    }

    public Map<String, Expected> rows() {
        return rows;
    }

    public long totalCalls() {
        return rows.values().stream().mapToLong(e -> e.calls).sum();
    }

    private static String attr(List<KeyValue> attrs, String key, String dflt) {
        for (KeyValue kv : attrs) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().getStringValue();
            }
        }
        return dflt;
    }

    /** Fraction of values <= v: the true rank of a reported quantile. */
    public static double rank(List<Double> values, double v) {
        long le = values.stream().filter(d -> d <= v).count();
        return (double) le / values.size();
    }

    /** Fraction of values < v. */
    public static double rankExclusive(List<Double> values, double v) {
        long lt = values.stream().filter(d -> d < v).count();
        return (double) lt / values.size();
    }
}
