package org.otlpanalytics.tests.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The expected service-call edges, computed straight from the generated protobuf messages with
 * none of the job's code: every CLIENT/PRODUCER span is matched with the SERVER/CONSUMER span of
 * the same trace whose parent id is its span id; a match across two services is an edge, a
 * CLIENT/PRODUCER span without match is an edge to the peer its attributes name (peer.service,
 * then the db system, then the messaging system, then server.address, else unknown), a
 * SERVER/CONSUMER span without match is called by {@code user} when it is a root SERVER span, by
 * its broker when it is a CONSUMER naming a messaging system, and by nobody otherwise.
 */
public final class EdgeOracle {
    public static final long FIVE_MINUTES = 300_000L;

    /**
     * One call as the oracle sees it; {@code durationNanos} is the caller's span (what the caller
     * waited), or the callee's when the caller is not instrumented.
     */
    public record Call(String tenant, String caller, String callee, long startMillis, boolean failed, long durationNanos) {}

    /** Expected numbers of one service_call_5m row. */
    public static final class Expected {
        public long calls;
        public long errors;
    }

    private record Half(String tenant, String serviceKey, String service, Span span, Map<String, String> attrs) {}

    private final List<Half> halves = new ArrayList<>();

    public void add(byte[] message) throws Exception {
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(message);
        for (ResourceSpans rs : req.getResourceSpansList()) {
            Map<String, String> res = attrs(rs.getResource().getAttributesList());
            String tenant = res.getOrDefault("tenant.id", "default");
            String service = res.getOrDefault("service.name", "unknown_service");
            String namespace = res.getOrDefault("service.namespace", "default");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    halves.add(new Half(tenant, tenant + "/" + namespace + "/" + service, service, s,
                            attrs(s.getAttributesList())));
                }
            }
        }
    }

    /** Every call, in no particular order. */
    public List<Call> calls() {
        Map<String, Half> callers = new HashMap<>();
        Map<String, Half> callees = new HashMap<>();
        for (Half h : halves) {
            Span.SpanKind k = h.span.getKind();
            if (k == Span.SpanKind.SPAN_KIND_CLIENT || k == Span.SpanKind.SPAN_KIND_PRODUCER) {
                callers.put(id(h.span.getTraceId(), h.span.getSpanId()), h);
            } else if (k == Span.SpanKind.SPAN_KIND_SERVER || k == Span.SpanKind.SPAN_KIND_CONSUMER) {
                if (!h.span.getParentSpanId().isEmpty()) {
                    callees.put(id(h.span.getTraceId(), h.span.getParentSpanId()), h);
                }
            }
        }
        List<Call> out = new ArrayList<>();
        Set<Half> matched = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Map.Entry<String, Half> e : callers.entrySet()) {
            Half caller = e.getValue();
            Half callee = callees.get(e.getKey());
            boolean callerFailed = failed(caller.span);
            long start = caller.span.getStartTimeUnixNano() / 1_000_000L;
            if (callee != null) {
                matched.add(callee);
                if (!callee.serviceKey.equals(caller.serviceKey)) {
                    out.add(new Call(caller.tenant, caller.service, callee.service, start, callerFailed || failed(callee.span),
                            duration(caller.span)));
                }
                continue;
            }
            out.add(new Call(caller.tenant, caller.service, peerName(caller.attrs), start, callerFailed, duration(caller.span)));
        }
        for (Half h : halves) {
            Span.SpanKind k = h.span.getKind();
            if ((k != Span.SpanKind.SPAN_KIND_SERVER && k != Span.SpanKind.SPAN_KIND_CONSUMER) || matched.contains(h)) {
                continue;
            }
            String caller = null;
            if (k == Span.SpanKind.SPAN_KIND_CONSUMER && present(h.attrs.get("messaging.system"))) {
                caller = h.attrs.get("messaging.system");
            } else if (k == Span.SpanKind.SPAN_KIND_SERVER && h.span.getParentSpanId().isEmpty()) {
                caller = "user";
            }
            if (caller != null) {
                out.add(new Call(h.tenant, caller, h.service, h.span.getStartTimeUnixNano() / 1_000_000L, failed(h.span),
                        duration(h.span)));
            }
        }
        return out;
    }

    /** Expected rows keyed by {@link #key}. */
    public Map<String, Expected> rows() {
        Map<String, Expected> rows = new TreeMap<>();
        for (Call c : calls()) {
            long bucket = c.startMillis - Math.floorMod(c.startMillis, FIVE_MINUTES);
            Expected e = rows.computeIfAbsent(key(Instant.ofEpochMilli(bucket), c.tenant, c.caller, c.callee), k -> new Expected());
            e.calls++;
            if (c.failed) {
                e.errors++;
            }
        }
        return rows;
    }

    /**
     * The validity intervals per edge ({@code tenant|caller|callee}): runs of calls whose
     * consecutive start times are less than {@code idleMillis} apart, as {@code [first, last]}.
     */
    public Map<String, List<long[]>> intervals(long idleMillis) {
        Map<String, List<Long>> times = new TreeMap<>();
        for (Call c : calls()) {
            times.computeIfAbsent(c.tenant + "|" + c.caller + "|" + c.callee, k -> new ArrayList<>()).add(c.startMillis);
        }
        Map<String, List<long[]>> out = new TreeMap<>();
        for (Map.Entry<String, List<Long>> e : times.entrySet()) {
            List<Long> ts = e.getValue();
            ts.sort(null);
            List<long[]> runs = new ArrayList<>();
            long first = ts.get(0);
            long last = ts.get(0);
            for (long t : ts) {
                if (t - last >= idleMillis) {
                    runs.add(new long[] {first, last});
                    first = t;
                }
                last = t;
            }
            runs.add(new long[] {first, last});
            out.put(e.getKey(), runs);
        }
        return out;
    }

    public static String key(Instant bucket, String tenant, String caller, String callee) {
        return bucket + "|" + tenant + "|" + caller + "|" + callee;
    }

    private static String peerName(Map<String, String> a) {
        for (String k : new String[] {"peer.service", "db.system.name", "db.system", "messaging.system", "server.address"}) {
            if (present(a.get(k))) {
                return a.get(k);
            }
        }
        return "unknown";
    }

    private static long duration(Span s) {
        return Math.max(0, s.getEndTimeUnixNano() - s.getStartTimeUnixNano());
    }

    private static boolean failed(Span s) {
        return s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    private static String id(ByteString trace, ByteString span) {
        return java.util.HexFormat.of().formatHex(trace.toByteArray()) + ":" + java.util.HexFormat.of().formatHex(span.toByteArray());
    }

    private static Map<String, String> attrs(List<KeyValue> kvs) {
        Map<String, String> m = new HashMap<>();
        for (KeyValue kv : kvs) {
            m.put(kv.getKey(), kv.getValue().getStringValue());
        }
        return m;
    }
}
