package org.otlpanalytics.tests.support;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The expected metric_1m and USE numbers, computed straight from the generated protobuf messages
 * with none of the job's code: points grouped by series and minute; cumulative counters turned
 * into deltas by walking each series in time order; simple sums, maxima and nearest-rank
 * quantiles; histogram p95 by linear interpolation in the merged buckets; USE by the formulas of
 * the mapping for the generator's metrics (host CPU, memory, load per CPU, network errors; JVM
 * heap used / limit).
 */
public final class MetricOracle {
    /** Expected values of one metric_1m row; null when the row has no such value. */
    public static final class Expected {
        public long points;
        public Double avg;
        public Double max;
        public Double p95;
        public Double total;
        public Double rate;
        public long count;
        public Double sum;
        public long[] bucketCounts;
        final List<Double> values = new ArrayList<>();
        double intervalSeconds;
        double[] bounds;
    }

    /** Expected USE of one resource-minute. */
    public static final class ExpectedUse {
        public Double utilization;
        public Double saturation;
        public Double errorsPerSecond;
    }

    private static final long FIRST_POINT_MAX_INTERVAL_NANOS = 5L * 60 * 1_000_000_000L;

    /** series key -> time-ordered raw points {start, time, value} of cumulative monotonic sums. */
    private final Map<String, TreeMap<Long, double[]>> counters = new TreeMap<>();
    private final Map<String, Expected> rows = new TreeMap<>();

    /** Row key: bucket|tenant|resource urn|metric|k=v,k=v (attributes sorted). */
    public static String key(Instant bucket, String tenant, String resource, String metric, String labels) {
        return bucket + "|" + tenant + "|" + resource + "|" + metric + "|" + labels;
    }

    public static String useKey(Instant bucket, String tenant, String resource) {
        return bucket + "|" + tenant + "|" + resource;
    }

    public void add(byte[] message) throws Exception {
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(message);
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
            List<KeyValue> ra = rm.getResource().getAttributesList();
            String tenant = attr(ra, "tenant.id", "default");
            String service = attr(ra, "service.name", "unknown_service");
            String ns = attr(ra, "service.namespace", "default");
            String host = attr(ra, "host.name", null);
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    String urn = host != null && m.getName().startsWith("system.") ? "urn:host:" + host
                            : "urn:svc:" + ns + "/" + service;
                    switch (m.getDataCase()) {
                        case GAUGE:
                            m.getGauge().getDataPointsList().forEach(p -> level(tenant, urn, m.getName(), p));
                            break;
                        case SUM:
                            boolean cumulative = m.getSum().getAggregationTemporality()
                                    == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
                            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                                if (cumulative && m.getSum().getIsMonotonic()) {
                                    counters.computeIfAbsent(tenant + "|" + urn + "|" + m.getName() + "|" + labels(p.getAttributesList()),
                                            k -> new TreeMap<>()).putIfAbsent(p.getTimeUnixNano(),
                                                    new double[] {p.getStartTimeUnixNano(), p.getTimeUnixNano(), number(p)});
                                } else if (cumulative) {
                                    level(tenant, urn, m.getName(), p);
                                } else {
                                    throw new IllegalArgumentException("the oracle does not model delta sums");
                                }
                            }
                            break;
                        case HISTOGRAM:
                            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                                histogram(tenant, urn, m.getName(), p);
                            }
                            break;
                        default:
                            throw new IllegalArgumentException("the oracle does not model " + m.getDataCase());
                    }
                }
            }
        }
    }

    private void level(String tenant, String urn, String metric, NumberDataPoint p) {
        Expected e = row(tenant, urn, metric, p.getAttributesList(), p.getTimeUnixNano());
        e.values.add(number(p));
    }

    private void histogram(String tenant, String urn, String metric, HistogramDataPoint p) {
        Expected e = row(tenant, urn, metric, p.getAttributesList(), p.getTimeUnixNano());
        e.points++;
        e.count += p.getCount();
        e.sum = (e.sum == null ? 0 : e.sum) + p.getSum();
        if (e.bucketCounts == null) {
            e.bucketCounts = new long[p.getBucketCountsCount()];
            e.bounds = p.getExplicitBoundsList().stream().mapToDouble(Double::doubleValue).toArray();
        }
        for (int i = 0; i < e.bucketCounts.length; i++) {
            e.bucketCounts[i] += p.getBucketCounts(i);
        }
    }

    private Expected row(String tenant, String urn, String metric, List<KeyValue> attrs, long timeNanos) {
        return rows.computeIfAbsent(key(bucket(timeNanos), tenant, urn, metric, labels(attrs)), k -> new Expected());
    }

    static Instant bucket(long timeNanos) {
        long ms = timeNanos / 1_000_000L;
        return Instant.ofEpochMilli(ms - Math.floorMod(ms, 60_000L));
    }

    /** Finishes: counters to deltas, then the per-row numbers. */
    public Map<String, Expected> rows() {
        for (Map.Entry<String, TreeMap<Long, double[]>> c : counters.entrySet()) {
            String[] id = c.getKey().split("\\|", 4);
            double[] prev = null;
            for (double[] p : c.getValue().values()) {
                long start = (long) p[0];
                long time = (long) p[1];
                double delta;
                long from;
                if (prev == null) {
                    boolean fresh = start > 0 && start < time && time - start <= FIRST_POINT_MAX_INTERVAL_NANOS;
                    prev = p;
                    if (!fresh) {
                        continue;
                    }
                    delta = p[2];
                    from = start;
                } else if (p[2] < prev[2] || (start != (long) prev[0] && start > (long) prev[1])) {
                    delta = p[2]; // reset
                    from = Math.max(start, (long) prev[1]);
                    prev = p;
                } else {
                    delta = p[2] - prev[2];
                    from = (long) prev[1];
                    prev = p;
                }
                Expected e = rows.computeIfAbsent(key(bucket(time), id[0], id[1], id[2], id[3]), k -> new Expected());
                e.total = (e.total == null ? 0 : e.total) + delta;
                e.intervalSeconds += (time - from) / 1e9;
                e.values.add(delta / ((time - from) / 1e9));
            }
        }
        counters.clear();
        for (Expected e : rows.values()) {
            if (e.bucketCounts != null) {
                e.avg = e.sum / e.count;
                e.p95 = histogramQuantile(0.95, e.bounds, e.bucketCounts);
                continue;
            }
            if (e.values.isEmpty() && e.total == null) {
                continue;
            }
            e.points = e.values.size();
            List<Double> sorted = new ArrayList<>(e.values);
            sorted.sort(null);
            double s = 0;
            for (double v : e.values) {
                s += v;
            }
            e.avg = s / e.values.size();
            e.max = sorted.get(sorted.size() - 1);
            e.p95 = sorted.get((int) Math.max(0, Math.ceil(0.95 * sorted.size()) - 1));
            if (e.total != null) {
                e.rate = e.total / e.intervalSeconds;
            }
        }
        return rows;
    }

    /** Linear interpolation inside the bucket holding rank q * total; the first bucket starts at 0, the last is reported as its lower bound. */
    static double histogramQuantile(double q, double[] bounds, long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double rank = q * total;
        long before = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && before + counts[i] >= rank) {
                if (i == counts.length - 1) {
                    return bounds[bounds.length - 1];
                }
                double lo = i == 0 ? 0 : bounds[i - 1];
                return lo + (bounds[i] - lo) * (rank - before) / counts[i];
            }
            before += counts[i];
        }
        return bounds[bounds.length - 1];
    }

    /** USE per resource-minute from the expected rows. */
    public Map<String, ExpectedUse> use() {
        Map<String, Expected> r = rows();
        Map<String, ExpectedUse> out = new TreeMap<>();
        for (Map.Entry<String, Expected> e : r.entrySet()) {
            String[] k = e.getKey().split("\\|", 5);
            String base = k[0] + "|" + k[1] + "|" + k[2] + "|";
            String useKey = k[0] + "|" + k[1] + "|" + k[2];
            switch (k[3]) {
                case "system.cpu.utilization": {
                    double cpu = e.getValue().avg;
                    Expected mem = r.get(base + "system.memory.utilization|state=used");
                    ExpectedUse u = out.computeIfAbsent(useKey, x -> new ExpectedUse());
                    u.utilization = Math.min(1, Math.max(cpu, mem == null ? 0 : mem.avg));
                    break;
                }
                case "system.cpu.load_average.1m": {
                    Expected cpus = r.get(base + "system.cpu.logical.count|");
                    out.computeIfAbsent(useKey, x -> new ExpectedUse()).saturation = e.getValue().avg / cpus.avg;
                    break;
                }
                case "system.network.errors":
                    out.computeIfAbsent(useKey, x -> new ExpectedUse()).errorsPerSecond = e.getValue().rate;
                    break;
                case "jvm.memory.used": {
                    Expected limit = r.get(base + "jvm.memory.limit|jvm.memory.type=heap");
                    out.computeIfAbsent(useKey, x -> new ExpectedUse()).utilization = e.getValue().avg / limit.avg;
                    break;
                }
                default:
                    break;
            }
        }
        return out;
    }

    static String labels(List<KeyValue> attrs) {
        TreeMap<String, String> m = new TreeMap<>();
        for (KeyValue kv : attrs) {
            m.put(kv.getKey(), kv.getValue().getStringValue());
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() > 0 ? "," : "").append(k).append('=').append(v));
        return sb.toString();
    }

    private static double number(NumberDataPoint p) {
        return p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
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
