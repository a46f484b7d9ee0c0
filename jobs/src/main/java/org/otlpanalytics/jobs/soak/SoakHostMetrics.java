package org.otlpanalytics.jobs.soak;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Metric points for the soak as the hostmetrics receiver sends them: each host exports
 * {@value #POINTS_PER_HOST} points (cumulative CPU time per CPU and mode, memory usage per
 * state, network I/O per device and direction, two utilization gauges) about every
 * {@value #INTERVAL_SECONDS} s, so the number of hosts (and of series, 25 per host) follows the
 * offered rate. Hosts export in turn, {@value #HOSTS_PER_MESSAGE} per export request.
 */
final class SoakHostMetrics {
    static final int POINTS_PER_HOST = 25;
    static final int INTERVAL_SECONDS = 10;
    static final int HOSTS_PER_MESSAGE = 20;
    private static final String[] MODES = {"user", "system", "idle", "wait"};
    private static final String[] STATES = {"used", "free", "cached"};

    private final SplittableRandom random;
    private final long startMillis;
    private int hosts = 1;
    private long next;

    SoakHostMetrics(long seed, long startMillis) {
        this.random = new SplittableRandom(seed ^ 0x3e7L);
        this.startMillis = startMillis;
    }

    /** Hosts that export {@code pointsPerSecond} every {@value #INTERVAL_SECONDS} s (at least one). */
    static int hostsFor(double pointsPerSecond) {
        return (int) Math.max(1, Math.round(pointsPerSecond * INTERVAL_SECONDS / POINTS_PER_HOST));
    }

    void hosts(int n) {
        this.hosts = Math.max(1, n);
    }

    /**
     * Whole host exports for up to {@code points} points at {@code timeMillis}; the remainder
     * stays owed to the caller's pacer.
     */
    List<SoakBatch> messages(long points, long timeMillis) {
        List<SoakBatch> out = new ArrayList<>();
        int exports = (int) (points / POINTS_PER_HOST);
        while (exports > 0) {
            int n = Math.min(exports, HOSTS_PER_MESSAGE);
            ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
            for (int i = 0; i < n; i++) {
                req.addResourceMetrics(host((int) (next++ % hosts), timeMillis));
            }
            out.add(new SoakBatch(req.build().toByteArray(), n * POINTS_PER_HOST));
            exports -= n;
        }
        return out;
    }

    private ResourceMetrics host(int host, long timeMillis) {
        long t = timeMillis * 1_000_000L;
        long start = (startMillis - 3_600_000L) * 1_000_000L;
        double elapsed = (timeMillis - startMillis) / 1000.0 + 3600;
        Sum.Builder cpu = cumulative(true);
        for (int c = 0; c < 4; c++) {
            for (int m = 0; m < MODES.length; m++) {
                cpu.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                        .setAsDouble(elapsed * (m == 2 ? 0.6 : 0.1)).addAttributes(SoakLogRecords.kv("cpu", "cpu" + c))
                        .addAttributes(SoakLogRecords.kv("cpu.mode", MODES[m])));
            }
        }
        Sum.Builder memory = Sum.newBuilder().setIsMonotonic(false)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (String s : STATES) {
            memory.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                    .setAsInt(1_000_000_000L + random.nextInt(1_000_000_000)).addAttributes(SoakLogRecords.kv("system.memory.state", s)));
        }
        Sum.Builder io = cumulative(true);
        for (String d : new String[] {"eth0", "eth1"}) {
            for (String dir : new String[] {"receive", "transmit"}) {
                io.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                        .setAsInt((long) (elapsed * 100_000)).addAttributes(SoakLogRecords.kv("network.interface.name", d))
                        .addAttributes(SoakLogRecords.kv("network.io.direction", dir)));
            }
        }
        ScopeMetrics sm = ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("system.cpu.time").setUnit("s").setSum(cpu))
                .addMetrics(Metric.newBuilder().setName("system.memory.usage").setUnit("By").setSum(memory))
                .addMetrics(Metric.newBuilder().setName("system.network.io").setUnit("By").setSum(io))
                .addMetrics(gauge("system.cpu.utilization", t, 0.2 + 0.5 * random.nextDouble()))
                .addMetrics(gauge("system.memory.utilization", t, 0.4 + 0.4 * random.nextDouble())).build();
        Resource r = Resource.newBuilder().addAttributes(SoakLogRecords.kv("service.name", "svc-" + (host % SoakLogRecords.SERVICES)))
                .addAttributes(SoakLogRecords.kv("service.namespace", "soak"))
                .addAttributes(SoakLogRecords.kv("host.name", "soak-host-" + host)).build();
        return ResourceMetrics.newBuilder().setResource(r).addScopeMetrics(sm).build();
    }

    private static Sum.Builder cumulative(boolean monotonic) {
        return Sum.newBuilder().setIsMonotonic(monotonic).setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    }

    private static Metric gauge(String name, long t, double v) {
        return Metric.newBuilder().setName(name).setUnit("1").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsDouble(v))).build();
    }
}
