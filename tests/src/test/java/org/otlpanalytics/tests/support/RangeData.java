package org.otlpanalytics.tests.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Spans with known durations over a long stretch (a day and more) for the range-SQL tests: three
 * services of two tenants, a varying number of SERVER spans per minute with log-normal durations
 * that drift over the day (some exactly zero), CLIENT calls to a database (some slow), errors
 * with a route and an error type, users as {@code enduser.id} (one heavy user), several spans per
 * trace. Every span is also kept as a {@link Fact}, from which the tests compute the exact values
 * the SQL must approximate — none of the job's code is involved.
 */
public final class RangeData {
    public static final String[][] SERVICES = {{"default", "shop", "checkout"}, {"default", "shop", "search"},
            {"acme", "core", "ledger"}};
    static final String[][] OPS = {{"POST /checkout", "GET /cart", "GET /health"}, {"GET /search", "GET /suggest"},
            {"POST /entries", "GET /balance"}};
    static final double[][] OP_WEIGHTS = {{0.6, 0.3, 0.1}, {0.8, 0.2}, {0.7, 0.3}};
    static final String[] PEERS = {"postgresql", "postgresql", "redis"};
    static final String[] ERROR_TYPES = {"timeout", "http.500", "conn_reset"};
    static final double[] ERROR_TYPE_WEIGHTS = {0.6, 0.3, 0.1};
    public static final String HEAVY_USER = "u-heavy";

    /** One span as the oracle sees it. */
    public record Fact(String tenant, String service, String operation, String kind, long startMillis, long durationNanos,
            boolean error, String route, String errorType, String user, String peer, long traceHi, long traceLo, String status) {
        public double durationMs() {
            return durationNanos / 1_000_000.0;
        }

        public long minute() {
            return Math.floorDiv(startMillis, 60_000L) * 60_000L;
        }
    }

    public final List<Fact> facts = new ArrayList<>();
    /** One OTLP message per service and minute, in time order. */
    public final List<byte[]> messages = new ArrayList<>();
    public final List<Long> messageTimes = new ArrayList<>();

    /** {@code minutes} minutes of traffic from {@code startMillis} (a minute boundary). */
    public static RangeData generate(long seed, long startMillis, int minutes) {
        return generate(seed, startMillis, minutes, null);
    }

    /** The same with every service in {@code tenant} (null: the tenants of {@link #SERVICES}). */
    public static RangeData generate(long seed, long startMillis, int minutes, String tenantOverride) {
        RangeData d = new RangeData();
        Random r = new Random(seed);
        long spanId = 1;
        for (int m = 0; m < minutes; m++) {
            long minute = startMillis + m * 60_000L;
            double drift = 0.5 * Math.sin(2 * Math.PI * m / 1440.0);
            for (int s = 0; s < SERVICES.length; s++) {
                String tenant = tenantOverride != null ? tenantOverride : SERVICES[s][0];
                String service = SERVICES[s][2];
                int n = 3 + r.nextInt(25);
                List<Span> spans = new ArrayList<>();
                long traceHi = 0;
                long traceLo = 0;
                for (int i = 0; i < n; i++) {
                    if (i == 0 || r.nextDouble() < 0.7) {
                        traceHi = r.nextLong();
                        traceLo = r.nextLong() | 1;
                    }
                    int op = pick(r, OP_WEIGHTS[s]);
                    String operation = OPS[s][op];
                    String route = operation.substring(operation.indexOf(' ') + 1);
                    long start = minute + r.nextInt(60_000);
                    long dur = r.nextDouble() < 0.01 ? 0
                            : Math.round(Math.exp(1.5 + s * 0.7 + drift + 0.9 * r.nextGaussian()) * 1_000_000.0);
                    boolean error = r.nextDouble() < 0.04;
                    String errorType = error ? ERROR_TYPES[pick(r, ERROR_TYPE_WEIGHTS)] : null;
                    String user = r.nextDouble() < 0.2 ? HEAVY_USER : "u-" + (int) (3000 * Math.pow(r.nextDouble(), 2));
                    long id = spanId++;
                    Span.Builder b = span(traceHi, traceLo, id, 0, operation, Span.SpanKind.SPAN_KIND_SERVER, start, dur, error)
                            .addAttributes(kv("http.route", route)).addAttributes(kv("enduser.id", user));
                    if (errorType != null) {
                        b.addAttributes(kv("error.type", errorType));
                    }
                    spans.add(b.build());
                    d.facts.add(new Fact(tenant, service, operation, "SERVER", start, dur, error, route, errorType, user, null,
                            traceHi, traceLo, error ? "ERROR" : "UNSET"));
                    if (r.nextDouble() < 0.6) {
                        // a database call from inside the request; about 4% are slow (>= 500 ms)
                        long cdur = r.nextDouble() < 0.04 ? Math.round((500 + r.nextInt(700)) * 1_000_000.0)
                                : Math.round(Math.exp(0.5 + 0.8 * r.nextGaussian()) * 1_000_000.0);
                        long cid = spanId++;
                        String cop = "query " + PEERS[s];
                        spans.add(span(traceHi, traceLo, cid, id, cop, Span.SpanKind.SPAN_KIND_CLIENT, start, cdur, false)
                                .addAttributes(kv("db.system", PEERS[s])).build());
                        d.facts.add(new Fact(tenant, service, cop, "CLIENT", start, cdur, false, null, null, null, PEERS[s],
                                traceHi, traceLo, "UNSET"));
                    }
                }
                Resource res = Resource.newBuilder().addAttributes(kv("service.name", service))
                        .addAttributes(kv("service.namespace", SERVICES[s][1])).addAttributes(kv("tenant.id", tenant)).build();
                d.messages.add(ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(res).addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans))).build().toByteArray());
                d.messageTimes.add(minute + 60_000L);
            }
        }
        return d;
    }

    /**
     * The facts of any OTLP trace message (the shop generator's too), read with the protobuf classes
     * only: the peer of a CLIENT/PRODUCER span is named as the service graph names uninstrumented
     * peers (peer.service, db.system(.name), messaging.system, server.address, else unknown).
     */
    public static List<Fact> factsOf(byte[] message) throws Exception {
        List<Fact> out = new ArrayList<>();
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(message);
        for (ResourceSpans rs : req.getResourceSpansList()) {
            Map<String, String> res = attrs(rs.getResource().getAttributesList());
            String tenant = res.getOrDefault("tenant.id", "default");
            String service = res.getOrDefault("service.name", "unknown_service");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span sp : ss.getSpansList()) {
                    Map<String, String> a = attrs(sp.getAttributesList());
                    String kind = sp.getKind().name().substring("SPAN_KIND_".length());
                    boolean error = sp.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
                    String status = error ? "ERROR" : sp.getStatus().getCode() == Status.StatusCode.STATUS_CODE_OK ? "OK" : "UNSET";
                    String peer = null;
                    if (kind.equals("CLIENT") || kind.equals("PRODUCER")) {
                        peer = "unknown";
                        for (String k : new String[] {"peer.service", "db.system.name", "db.system", "messaging.system", "server.address"}) {
                            if (a.get(k) != null && !a.get(k).isEmpty()) {
                                peer = a.get(k);
                                break;
                            }
                        }
                    }
                    ByteBuffer tid = ByteBuffer.wrap(sp.getTraceId().toByteArray());
                    out.add(new Fact(tenant, service, sp.getName(), kind, sp.getStartTimeUnixNano() / 1_000_000L,
                            Math.max(0, sp.getEndTimeUnixNano() - sp.getStartTimeUnixNano()), error,
                            a.getOrDefault("http.route", null), a.get("error.type"), a.get("enduser.id"), peer, tid.getLong(),
                            tid.getLong(), status));
                }
            }
        }
        return out;
    }

    private static Map<String, String> attrs(List<KeyValue> kvs) {
        Map<String, String> m = new HashMap<>();
        for (KeyValue kv : kvs) {
            m.put(kv.getKey(), kv.getValue().getStringValue());
        }
        return m;
    }

    /** The messages as Kafka records, round-robin over {@code partitions}, stamped with their minute's end. */
    public List<ProducerRecord<byte[], byte[]>> records(String topic, int partitions) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(new ProducerRecord<>(topic, i % partitions, messageTimes.get(i), null, messages.get(i)));
        }
        return out;
    }

    /** The facts of minutes in [fromMillis, toMillis) that pass {@code p}. */
    public List<Fact> in(long fromMillis, long toMillis, Predicate<Fact> p) {
        List<Fact> out = new ArrayList<>();
        for (Fact f : facts) {
            long m = f.minute();
            if (m >= fromMillis && m < toMillis && p.test(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** The nearest-rank quantile: the value of rank max(1, ceil(q·n)) of the sorted durations (ms). */
    public static double nearestRank(List<Fact> facts, double q) {
        double[] v = facts.stream().mapToDouble(Fact::durationMs).sorted().toArray();
        int rank = (int) Math.max(1, Math.ceil(q * v.length));
        return v[rank - 1];
    }

    public static long distinctTraces(List<Fact> facts) {
        Set<String> ids = new HashSet<>();
        for (Fact f : facts) {
            ids.add(f.traceHi() + ":" + f.traceLo());
        }
        return ids.size();
    }

    /** Exact counts of a dimension's values. */
    public static Map<String, Long> counts(List<Fact> facts, java.util.function.Function<Fact, String> value) {
        Map<String, Long> c = new HashMap<>();
        for (Fact f : facts) {
            String v = value.apply(f);
            if (v != null) {
                c.merge(v, 1L, Long::sum);
            }
        }
        return c;
    }

    private static int pick(Random r, double[] weights) {
        double x = r.nextDouble();
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static Span.Builder span(long traceHi, long traceLo, long id, long parent, String name, Span.SpanKind kind, long startMillis,
            long durationNanos, boolean error) {
        long startNanos = startMillis * 1_000_000L;
        Span.Builder b = Span.newBuilder()
                .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(traceHi).putLong(traceLo).array()))
                .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array()))
                .setName(name).setKind(kind).setStartTimeUnixNano(startNanos).setEndTimeUnixNano(startNanos + durationNanos);
        if (parent != 0) {
            b.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(parent).array()));
        }
        if (error) {
            b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        }
        return b;
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    @Override
    public String toString() {
        return "RangeData{" + facts.size() + " spans in " + messages.size() + " messages, services "
                + Arrays.deepToString(SERVICES) + "}";
    }
}
