package org.otlpanalytics.jobs.demo;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic telemetry generator for the demo, the tests and the benchmarks: a small shop
 * where {@code frontend} calls {@code cart} (which uses redis) and {@code checkout} (which calls
 * {@code payment} over HTTP, queries postgresql and publishes to a kafka topic consumed by
 * {@code shipping}). Some calls fail, 404s are returned (not errors on SERVER spans), and
 * {@code payment} has a latency incident in a chosen time range. Each service also writes logs
 * correlated with its spans, and host/runtime metrics every 10 s.
 *
 * <p>Messages are OTLP export requests grouped per service and per {@code exportIntervalMillis}
 * of event time, as an SDK's batch processor would send them; the same seed gives the same bytes.
 */
public final class TelemetryGenerator {
    public static final String[] SERVICES = {"frontend", "cart", "checkout", "payment", "shipping"};
    /** Data points in one {@code metricsRequest} (seven number points and one histogram). */
    static final int METRIC_POINTS_PER_EXPORT = 8;
    private static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("otlp-analytics-generator").setVersion("1").build();

    /** One generated export request. */
    public static final class Message {
        public final String signal; // traces | logs | metrics
        public final long timeMillis;
        public final byte[] value;
        public final String service;
        /** Spans, log records or metric data points in {@link #value} (what a soak paces by). */
        public final int records;

        Message(String signal, long timeMillis, byte[] value, String service, int records) {
            this.signal = signal;
            this.timeMillis = timeMillis;
            this.value = value;
            this.service = service;
            this.records = records;
        }
    }

    private final SplittableRandom random;
    private final String tenant;
    private long incidentFrom = Long.MIN_VALUE;
    private long incidentTo = Long.MIN_VALUE;
    private long exportIntervalMillis = 1000;
    private boolean logs = true;
    private boolean metrics = true;
    private double errorRate = 0.03;
    private double diurnalAmplitude;
    private long diurnalPeriodMillis = 1;
    private double slowRequests;
    private final List<Fault> faults = new ArrayList<>();

    /**
     * A fault injected into the traffic over [from, to): a service slower by {@code factor}
     * ({@link Kind#LATENCY}), failing a {@code factor} share of its requests ({@link Kind#ERRORS}),
     * user traffic at {@code factor} of normal ({@link Kind#TRAFFIC}, service ignored), or a
     * service's host at {@code factor} CPU utilization ({@link Kind#SATURATION}).
     */
    public record Fault(Kind kind, String service, long fromMillis, long toMillis, double factor) {
        public enum Kind { LATENCY, ERRORS, TRAFFIC, SATURATION }

        boolean active(Kind k, String svc, long t) {
            return kind == k && (svc == null || svc.equals(service)) && t >= fromMillis && t < toMillis;
        }
    }

    public TelemetryGenerator(long seed, String tenant) {
        this.random = new SplittableRandom(seed);
        this.tenant = tenant;
    }

    /** payment is 6x slower and fails 5x more often for spans starting in [from, to). */
    public TelemetryGenerator incident(long fromMillis, long toMillis) {
        this.incidentFrom = fromMillis;
        this.incidentTo = toMillis;
        return this;
    }

    public TelemetryGenerator exportInterval(long millis) {
        this.exportIntervalMillis = millis;
        return this;
    }

    public TelemetryGenerator withLogs(boolean on) {
        this.logs = on;
        return this;
    }

    public TelemetryGenerator withMetrics(boolean on) {
        this.metrics = on;
        return this;
    }

    public TelemetryGenerator errorRate(double rate) {
        this.errorRate = rate;
        return this;
    }

    /** User traffic varies as 1 + amplitude·sin(2πt/period): the day's rise and fall, compressed. */
    public TelemetryGenerator diurnal(double amplitude, long periodMillis) {
        this.diurnalAmplitude = amplitude;
        this.diurnalPeriodMillis = periodMillis;
        return this;
    }

    /** A share of calls (any service) that is slow for no reason: 200–500 ms more. */
    public TelemetryGenerator slowRequests(double probability) {
        this.slowRequests = probability;
        return this;
    }

    public TelemetryGenerator fault(Fault f) {
        faults.add(f);
        return this;
    }

    private double factor(Fault.Kind kind, String service, long tMillis, double none) {
        for (Fault f : faults) {
            if (f.active(kind, service, tMillis)) {
                return f.factor();
            }
        }
        return none;
    }

    /** Generates {@code tracesPerSecond} user requests per second of event time over the range. */
    public List<Message> generate(long startMillis, long durationMillis, double tracesPerSecond) {
        List<Message> out = new ArrayList<>();
        long end = startMillis + durationMillis;
        for (long t = startMillis; t < end; t += exportIntervalMillis) {
            long sliceEnd = Math.min(end, t + exportIntervalMillis);
            Map<String, List<Span>> spans = new LinkedHashMap<>();
            Map<String, List<LogRecord>> logRecs = new LinkedHashMap<>();
            for (String s : SERVICES) {
                spans.put(s, new ArrayList<>());
                logRecs.put(s, new ArrayList<>());
            }
            double rate = tracesPerSecond * (1 + diurnalAmplitude * Math.sin(2 * Math.PI * (t - startMillis) / diurnalPeriodMillis))
                    * factor(Fault.Kind.TRAFFIC, null, t, 1.0);
            double expected = rate * (sliceEnd - t) / 1000.0;
            int n = (int) Math.floor(expected) + (random.nextDouble() < expected - Math.floor(expected) ? 1 : 0);
            for (int i = 0; i < n; i++) {
                long start = t + (long) (random.nextDouble() * (sliceEnd - t));
                trace(start * 1_000_000L, spans, logRecs);
            }
            for (String s : SERVICES) {
                if (!spans.get(s).isEmpty()) {
                    out.add(new Message("traces", sliceEnd, traces(s, spans.get(s)).toByteArray(), s, spans.get(s).size()));
                }
                if (logs && !logRecs.get(s).isEmpty()) {
                    out.add(new Message("logs", sliceEnd, logsRequest(s, logRecs.get(s)).toByteArray(), s, logRecs.get(s).size()));
                }
            }
            if (metrics && Math.floorMod(t, 10_000L) < exportIntervalMillis) {
                for (String s : SERVICES) {
                    out.add(new Message("metrics", sliceEnd, metricsRequest(s, startMillis, t).toByteArray(), s, METRIC_POINTS_PER_EXPORT));
                }
            }
        }
        return out;
    }

    private boolean inIncident(long t) {
        return t >= incidentFrom && t < incidentTo;
    }

    private void trace(long start /* nanos */, Map<String, List<Span>> spans, Map<String, List<LogRecord>> logRecs) {
        byte[] traceId = new byte[16];
        fill(traceId);
        boolean checkout = random.nextDouble() < 0.35;
        String route = checkout ? "POST /checkout" : (random.nextDouble() < 0.5 ? "GET /cart" : "GET /product/{id}");
        long rootId = spanId();
        long cursor = start + 1_000_000L;
        boolean failed = false;
        long childEnd;
        if (checkout) {
            long[] r = call(traceId, rootId, "frontend", "checkout", "POST /api/checkout", cursor, spans, logRecs, 0);
            childEnd = r[0];
            failed = r[1] != 0;
        } else if (route.equals("GET /cart")) {
            long[] r = call(traceId, rootId, "frontend", "cart", "GET /api/cart", cursor, spans, logRecs, 0);
            childEnd = r[0];
            failed = r[1] != 0;
        } else {
            childEnd = cursor + ms(2, 6);
        }
        int http = failed ? 500 : (route.startsWith("GET /product") && random.nextDouble() < 0.1 ? 404 : 200);
        long end = childEnd + ms(0.5, 2);
        spans.get("frontend").add(span(traceId, rootId, 0, route, Span.SpanKind.SPAN_KIND_SERVER, start, end,
                failed ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET,
                kv("http.request.method", route.substring(0, route.indexOf(' '))), kvInt("http.response.status_code", http)));
        logRecs.get("frontend").add(log(traceId, rootId, end, failed ? SeverityNumber.SEVERITY_NUMBER_ERROR : SeverityNumber.SEVERITY_NUMBER_INFO,
                failed ? "Request " + route + " failed with status " + http + " after " + (end - start) / 1_000_000 + " ms"
                        : "Request " + route + " completed with status " + http + " in " + (end - start) / 1_000_000 + " ms"));
    }

    /**
     * A CLIENT span in {@code from} and its SERVER child in {@code to}, with the callee's own
     * downstream calls. Returns {end of the client span, failed ? 1 : 0}.
     */
    private long[] call(byte[] traceId, long parentId, String from, String to, String op, long start,
            Map<String, List<Span>> spans, Map<String, List<LogRecord>> logRecs, int depth) {
        long clientId = spanId();
        long serverId = spanId();
        long serverStart = start + ms(0.2, 1.0);
        long cursor = serverStart + ms(0.1, 0.5);
        boolean failed = false;
        switch (to) {
            case "cart": {
                long e = dbCall(traceId, serverId, "cart", "redis", "GET", cursor, spans, ms(0.2, 1.5));
                cursor = e + ms(0.2, 1);
                break;
            }
            case "checkout": {
                long[] r = call(traceId, serverId, "checkout", "payment", "POST /api/charge", cursor, spans, logRecs, depth + 1);
                failed = r[1] != 0;
                cursor = r[0];
                cursor = dbCall(traceId, serverId, "checkout", "postgresql", "INSERT orders", cursor, spans, ms(1, 8));
                if (!failed) {
                    cursor = publish(traceId, serverId, cursor, spans, logRecs);
                }
                break;
            }
            case "payment": {
                boolean slow = inIncident(start / 1_000_000L);
                cursor += slow ? ms(150, 600) : ms(20, 90);
                failed = random.nextDouble() < factor(Fault.Kind.ERRORS, "payment", start / 1_000_000L, slow ? errorRate * 5 : errorRate);
                if (failed) {
                    logRecs.get("payment").add(log(traceId, serverId, cursor, SeverityNumber.SEVERITY_NUMBER_ERROR,
                            "Payment declined for order " + (100000 + random.nextInt(900000)) + ": card issuer timeout after " + (cursor - serverStart) / 1_000_000 + " ms"));
                } else {
                    logRecs.get("payment").add(log(traceId, serverId, cursor, SeverityNumber.SEVERITY_NUMBER_INFO,
                            "Charged order " + (100000 + random.nextInt(900000)) + " amount " + (1 + random.nextInt(500)) + "." + random.nextInt(10) + "0 EUR"));
                }
                break;
            }
            default:
                cursor += ms(1, 5);
        }
        long tMillis = start / 1_000_000L;
        double slower = factor(Fault.Kind.LATENCY, to, tMillis, 1.0);
        if (slower != 1.0) {
            cursor = serverStart + (long) ((cursor - serverStart) * slower);
        }
        double failing = to.equals("payment") ? 0.0 : factor(Fault.Kind.ERRORS, to, tMillis, 0.0);
        if (failing > 0) { // draws only under a fault, so traffic without faults is as before
            failed |= random.nextDouble() < failing;
        }
        if (slowRequests > 0 && random.nextDouble() < slowRequests) {
            cursor += ms(200, 500);
        }
        long serverEnd = cursor + ms(0.1, 0.5);
        long clientEnd = serverEnd + ms(0.2, 1.0);
        Status.StatusCode code = failed ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET;
        int http = failed ? 502 : 200;
        spans.get(from).add(span(traceId, clientId, parentId, op.substring(0, op.indexOf(' ')), Span.SpanKind.SPAN_KIND_CLIENT,
                start, clientEnd, code, kv("server.address", to), kvInt("http.response.status_code", http)));
        spans.get(to).add(span(traceId, serverId, clientId, op, Span.SpanKind.SPAN_KIND_SERVER, serverStart, serverEnd, code,
                kvInt("http.response.status_code", http)));
        return new long[] {clientEnd, failed ? 1 : 0};
    }

    private long dbCall(byte[] traceId, long parentId, String service, String system, String op, long start,
            Map<String, List<Span>> spans, long duration) {
        long end = start + duration;
        boolean failed = random.nextDouble() < errorRate / 3;
        spans.get(service).add(span(traceId, spanId(), parentId, op, Span.SpanKind.SPAN_KIND_CLIENT, start, end,
                failed ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET,
                kv("db.system.name", system), kv("db.namespace", system.equals("redis") ? "0" : "orders"),
                kv("server.address", system + ".internal")));
        return end;
    }

    private long publish(byte[] traceId, long parentId, long start, Map<String, List<Span>> spans,
            Map<String, List<LogRecord>> logRecs) {
        long producerId = spanId();
        long end = start + ms(0.5, 2);
        spans.get("checkout").add(span(traceId, producerId, parentId, "orders publish", Span.SpanKind.SPAN_KIND_PRODUCER,
                start, end, Status.StatusCode.STATUS_CODE_UNSET, kv("messaging.system", "kafka"),
                kv("messaging.destination.name", "orders")));
        long cStart = end + ms(5, 40);
        long cEnd = cStart + ms(2, 10);
        long consumerId = spanId();
        spans.get("shipping").add(span(traceId, consumerId, producerId, "orders process", Span.SpanKind.SPAN_KIND_CONSUMER,
                cStart, cEnd, Status.StatusCode.STATUS_CODE_UNSET, kv("messaging.system", "kafka"),
                kv("messaging.destination.name", "orders")));
        logRecs.get("shipping").add(log(traceId, consumerId, cEnd, SeverityNumber.SEVERITY_NUMBER_INFO,
                "Scheduled shipment " + Long.toHexString(random.nextLong()).substring(0, 8) + " for order " + (100000 + random.nextInt(900000))));
        return end;
    }

    private long ms(double lo, double hi) {
        return (long) ((lo + random.nextDouble() * (hi - lo)) * 1_000_000L);
    }

    private long spanId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    private void fill(byte[] b) {
        for (int i = 0; i < b.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < b.length; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        b[0] |= 1; // never all-zero
    }

    private static ByteString id8(long id) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) id;
            id >>>= 8;
        }
        return ByteString.copyFrom(b);
    }

    private static Span span(byte[] traceId, long id, long parent, String name, Span.SpanKind kind, long startNanos,
            long endNanos, Status.StatusCode code, KeyValue... attrs) {
        Span.Builder b = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(id8(id)).setName(name)
                .setKind(kind).setStartTimeUnixNano(startNanos).setEndTimeUnixNano(endNanos)
                .setStatus(Status.newBuilder().setCode(code));
        if (parent != 0) {
            b.setParentSpanId(id8(parent));
        }
        for (KeyValue kv : attrs) {
            b.addAttributes(kv);
        }
        return b.build();
    }

    private static LogRecord log(byte[] traceId, long spanId, long timeNanos, SeverityNumber sev, String body) {
        return LogRecord.newBuilder().setTimeUnixNano(timeNanos).setObservedTimeUnixNano(timeNanos)
                .setSeverityNumber(sev).setSeverityText(sev == SeverityNumber.SEVERITY_NUMBER_ERROR ? "ERROR" : "INFO")
                .setBody(AnyValue.newBuilder().setStringValue(body)).setTraceId(ByteString.copyFrom(traceId))
                .setSpanId(id8(spanId)).build();
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static KeyValue kvInt(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    private Resource resource(String service) {
        return Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", "shop"))
                .addAttributes(kv("host.name", service + "-host-1")).addAttributes(kv("tenant.id", tenant)).build();
    }

    private ExportTraceServiceRequest traces(String service, List<Span> spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(resource(service)).addScopeSpans(ScopeSpans.newBuilder().setScope(SCOPE).addAllSpans(spans))).build();
    }

    private ExportLogsServiceRequest logsRequest(String service, List<LogRecord> recs) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(resource(service)).addScopeLogs(ScopeLogs.newBuilder().setScope(SCOPE).addAllLogRecords(recs))).build();
    }

    /** Host and runtime metrics of one service at time t: gauges, a cumulative sum and a histogram. */
    private ExportMetricsServiceRequest metricsRequest(String service, long seriesStartMillis, long t) {
        long tn = t * 1_000_000L;
        long startN = seriesStartMillis * 1_000_000L;
        double load = inIncident(t) && service.equals("payment") ? 0.9
                : factor(Fault.Kind.SATURATION, service, t, 0.3 + 0.2 * random.nextDouble());
        double elapsedS = (t - seriesStartMillis) / 1000.0;
        List<Metric> ms = new ArrayList<>();
        ms.add(Metric.newBuilder().setName("system.cpu.utilization").setUnit("1").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(tn).setAsDouble(load))).build());
        ms.add(Metric.newBuilder().setName("system.memory.utilization").setUnit("1").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(tn).addAttributes(kv("state", "used"))
                        .setAsDouble(0.5 + 0.1 * random.nextDouble()))).build());
        ms.add(Metric.newBuilder().setName("system.cpu.load_average.1m").setUnit("{thread}").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(tn).setAsDouble(load * 4))).build());
        ms.add(Metric.newBuilder().setName("system.cpu.logical.count").setUnit("{cpu}").setSum(Sum.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).setIsMonotonic(false)
                .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(startN).setTimeUnixNano(tn).setAsInt(4))).build());
        ms.add(Metric.newBuilder().setName("system.network.errors").setUnit("{error}").setSum(Sum.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).setIsMonotonic(true)
                .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(startN).setTimeUnixNano(tn)
                        .addAttributes(kv("direction", "receive")).setAsInt((long) (elapsedS / 10))))
                .build());
        ms.add(Metric.newBuilder().setName("jvm.memory.used").setUnit("By").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(tn).addAttributes(kv("jvm.memory.type", "heap"))
                        .setAsInt(200_000_000L + random.nextInt(100_000_000)))).build());
        ms.add(Metric.newBuilder().setName("jvm.memory.limit").setUnit("By").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(tn).addAttributes(kv("jvm.memory.type", "heap"))
                        .setAsInt(1_000_000_000L))).build());
        HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder().setStartTimeUnixNano(tn - 10_000_000_000L)
                .setTimeUnixNano(tn).addExplicitBounds(0.005).addExplicitBounds(0.01).addExplicitBounds(0.05)
                .addExplicitBounds(0.1).addExplicitBounds(0.5);
        long[] counts = {2 + random.nextInt(5), 10 + random.nextInt(10), 20 + random.nextInt(10), 5, 1, 0};
        long total = 0;
        for (long c : counts) {
            h.addBucketCounts(c);
            total += c;
        }
        h.setCount(total).setSum(total * 0.03);
        ms.add(Metric.newBuilder().setName("http.server.request.duration").setUnit("s").setHistogram(Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).addDataPoints(h)).build());
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource(service)).addScopeMetrics(ScopeMetrics.newBuilder().setScope(SCOPE).addAllMetrics(ms))).build();
    }
}
