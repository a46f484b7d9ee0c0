package org.otlpanalytics.operators.metrics;

import java.util.TreeMap;
import org.otlpanalytics.schemas.metrics.LabelsHash;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.schemas.metrics.Temporality;

/** Hand-made metric points for the metrics tests; times are seconds after {@link #T0}. */
final class Points {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long SEC = 1_000_000_000L;
    /** Pass as startSec for "start time not set" (0). */
    static final long UNKNOWN = Long.MIN_VALUE;

    private Points() {}

    static long at(long seconds) {
        return T0 + seconds * SEC;
    }

    private static MetricPoint base(String name, MetricType type, Temporality t, long startSec, long timeSec) {
        MetricPoint p = new MetricPoint();
        p.tenant = "acme";
        p.serviceName = "checkout";
        p.serviceNamespace = "shop";
        p.serviceUrn = "urn:svc:shop/checkout";
        p.resourceUrn = p.serviceUrn;
        p.name = name;
        p.unit = "1";
        p.type = type;
        p.temporality = t;
        p.startTimeNanos = startSec == UNKNOWN ? 0 : at(startSec);
        p.timeNanos = at(timeSec);
        p.labelsHash = LabelsHash.of(p.attributeKeys, p.attributeValues);
        return p;
    }

    /** A cumulative monotonic int counter. */
    static MetricPoint counter(long startSec, long timeSec, long value) {
        MetricPoint p = base("http.requests", MetricType.SUM, Temporality.CUMULATIVE, startSec, timeSec);
        p.monotonic = true;
        p.valueIsInt = true;
        p.longValue = value;
        p.value = value;
        return p;
    }

    static MetricPoint deltaSum(String name, long startSec, long timeSec, double value) {
        MetricPoint p = base(name, MetricType.SUM, Temporality.DELTA, startSec, timeSec);
        p.monotonic = true;
        p.value = value;
        return p;
    }

    static MetricPoint gauge(String name, long timeSec, double value) {
        MetricPoint p = base(name, MetricType.GAUGE, Temporality.NONE, UNKNOWN, timeSec);
        p.value = value;
        return p;
    }

    static MetricPoint upDown(String name, long timeSec, long value) {
        MetricPoint p = base(name, MetricType.SUM, Temporality.CUMULATIVE, 0, timeSec);
        p.valueIsInt = true;
        p.longValue = value;
        p.value = value;
        return p;
    }

    static MetricPoint histogram(Temporality t, long startSec, long timeSec, double[] bounds, long[] counts,
            double sum, double min, double max) {
        MetricPoint p = base("http.server.request.duration", MetricType.HISTOGRAM, t, startSec, timeSec);
        p.explicitBounds = bounds;
        p.bucketCounts = counts;
        long c = 0;
        for (long x : counts) {
            c += x;
        }
        p.count = c;
        p.sum = sum;
        p.min = min;
        p.max = max;
        return p;
    }

    static MetricPoint exponential(Temporality t, long startSec, long timeSec, int scale, long zero, int posOffset,
            long[] pos, int negOffset, long[] neg, double sum, double min, double max) {
        MetricPoint p = base("rpc.server.duration", MetricType.EXPONENTIAL_HISTOGRAM, t, startSec, timeSec);
        p.scale = scale;
        p.zeroCount = zero;
        p.positiveOffset = posOffset;
        p.positiveBucketCounts = pos;
        p.negativeOffset = negOffset;
        p.negativeBucketCounts = neg;
        long c = zero;
        for (long x : pos) {
            c += x;
        }
        for (long x : neg) {
            c += x;
        }
        p.count = c;
        p.sum = sum;
        p.min = min;
        p.max = max;
        return p;
    }

    static MetricPoint summary(Temporality t, long startSec, long timeSec, long count, double sum, double[] q,
            double[] v) {
        MetricPoint p = base("legacy.latency", MetricType.SUMMARY, t, startSec, timeSec);
        p.count = count;
        p.sum = sum;
        p.quantiles = q;
        p.quantileValues = v;
        return p;
    }

    /** Sets attributes (key, value, key, value, ...) sorted, with their hash. */
    static MetricPoint with(MetricPoint p, String... kv) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        p.attributeKeys = m.keySet().toArray(new String[0]);
        p.attributeValues = m.values().toArray(new String[0]);
        p.labelsHash = LabelsHash.of(p.attributeKeys, p.attributeValues);
        return p;
    }

    static MetricPoint offset(MetricPoint p, int partition, long offset) {
        p.kafkaPartition = partition;
        p.kafkaOffset = offset;
        return p;
    }
}
