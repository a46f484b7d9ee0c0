package org.otlpanalytics.jobs.bench.metrics;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
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
import java.util.SplittableRandom;

/**
 * The benchmark's input: hostmetrics-receiver-like exports of many hosts every 10 s, each with
 * cumulative CPU time per CPU and mode, memory usage per state, network I/O and errors per
 * device and direction (cumulative), gauges, and a JVM heap pair plus a delta histogram for the
 * service: 35 points per export, 31 host series (24 of them cumulative) and 4 service series
 * with the default 4 CPUs; each further CPU adds 4 cumulative series (128 CPUs: 527 points).
 */
final class HostMetricsLoad {
    private static final String[] MODES = {"user", "system", "idle", "wait"};
    private static final String[] STATES = {"used", "free", "cached"};
    private static final String[] DEVICES = {"eth0", "eth1"};
    private static final String[] DIRECTIONS = {"receive", "transmit"};

    private final SplittableRandom random = new SplittableRandom(42);
    private final long startMillis;
    private final int cpus;

    HostMetricsLoad(long startMillis) {
        this(startMillis, 4);
    }

    /** With {@code cpus} CPUs per host: 4 cumulative CPU-time series each (4 CPUs: 16). */
    HostMetricsLoad(long startMillis, int cpus) {
        this.startMillis = startMillis;
        this.cpus = cpus;
    }

    /** The export of host {@code host} at step {@code step} (10 s apart). */
    byte[] export(int host, int step) {
        long t = (startMillis + step * 10_000L + host % 10_000) * 1_000_000L;
        long start = startMillis * 1_000_000L - 3_600_000_000_000L;
        double elapsed = step * 10.0 + 3600;
        Sum.Builder cpu = cumulative(true);
        for (int c = 0; c < cpus; c++) {
            for (int m = 0; m < MODES.length; m++) {
                cpu.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                        .setAsDouble(elapsed * (m == 2 ? 0.6 : 0.1) + random.nextDouble())
                        .addAttributes(kv("cpu", "cpu" + c)).addAttributes(kv("cpu.mode", MODES[m])));
            }
        }
        Sum.Builder memory = cumulative(false);
        for (String s : STATES) {
            memory.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                    .setAsInt(1_000_000_000L + random.nextInt(1_000_000_000)).addAttributes(kv("system.memory.state", s)));
        }
        Sum.Builder io = cumulative(true);
        Sum.Builder errors = cumulative(true);
        for (String d : DEVICES) {
            for (String dir : DIRECTIONS) {
                io.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                        .setAsInt((long) (elapsed * 100_000) + random.nextInt(1000))
                        .addAttributes(kv("network.interface.name", d)).addAttributes(kv("network.io.direction", dir)));
                errors.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                        .setAsInt(step / 3).addAttributes(kv("network.interface.name", d))
                        .addAttributes(kv("network.io.direction", dir)));
            }
        }
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("system.cpu.time").setUnit("s").setSum(cpu))
                .addMetrics(gauge("system.cpu.utilization", t, 0.3 + 0.4 * random.nextDouble()))
                .addMetrics(Metric.newBuilder().setName("system.memory.usage").setUnit("By").setSum(memory))
                .addMetrics(gauge("system.memory.utilization", t, 0.5 + 0.3 * random.nextDouble()))
                .addMetrics(gauge("system.cpu.load_average.1m", t, 4 * random.nextDouble()))
                .addMetrics(Metric.newBuilder().setName("system.cpu.logical.count").setUnit("{cpu}").setSum(cumulative(false)
                        .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t).setAsInt(cpus))))
                .addMetrics(Metric.newBuilder().setName("system.network.io").setUnit("By").setSum(io))
                .addMetrics(Metric.newBuilder().setName("system.network.errors").setUnit("{error}").setSum(errors))
                .addMetrics(gauge("jvm.memory.used", t, 2e8 + 1e8 * random.nextDouble()))
                .addMetrics(gauge("jvm.memory.limit", t, 1e9));
        Histogram.Builder h = Histogram.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
        for (String route : new String[] {"GET /a", "POST /b"}) {
            HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setStartTimeUnixNano(t - 10_000_000_000L)
                    .setTimeUnixNano(t).addAttributes(kv("http.route", route));
            long total = 0;
            for (double b : new double[] {0.005, 0.01, 0.05, 0.1, 0.5}) {
                p.addExplicitBounds(b);
            }
            for (int i = 0; i < 6; i++) {
                long c = random.nextInt(20);
                p.addBucketCounts(c);
                total += c;
            }
            h.addDataPoints(p.setCount(total).setSum(total * 0.03));
        }
        sm.addMetrics(Metric.newBuilder().setName("http.server.request.duration").setUnit("s").setHistogram(h));
        Resource r = Resource.newBuilder().addAttributes(kv("service.name", "svc-" + (host % 50)))
                .addAttributes(kv("service.namespace", "bench")).addAttributes(kv("host.name", "host-" + host)).build();
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(r)
                .addScopeMetrics(sm)).build().toByteArray();
    }

    private static Sum.Builder cumulative(boolean monotonic) {
        return Sum.newBuilder().setIsMonotonic(monotonic)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    }

    private static Metric gauge(String name, long t, double v) {
        return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsDouble(v))).build();
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
