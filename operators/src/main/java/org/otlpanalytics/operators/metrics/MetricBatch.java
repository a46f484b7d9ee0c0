package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * What the metrics pipeline shuffles and passes between its keyed operators: the points and
 * pre-aggregated minutes ({@link MetricPartial}) of one tenant and resource. One record per
 * resource and flush instead of one per point, so the key is computed, the tenant and resource
 * are serialized and the keyed state is entered once per batch ({@link MetricBatchSerializer}
 * writes each repeated string once).
 *
 * <p>{@link #points} are points that still need their series' state (cumulative points, before
 * {@link MetricDeltaConverter}) or single points (deltas after it); {@link #partials} are
 * minutes of gauges and delta points, which need no conversion.
 */
public final class MetricBatch {
    public String tenant;
    public String resourceUrn;
    public final List<MetricPoint> points;
    public final List<MetricPartial> partials;
    private transient String key;

    public MetricBatch() {
        this(null, null, new ArrayList<>(), new ArrayList<>());
    }

    public MetricBatch(String tenant, String resourceUrn) {
        this(tenant, resourceUrn, new ArrayList<>(), new ArrayList<>());
    }

    MetricBatch(String tenant, String resourceUrn, List<MetricPoint> points, List<MetricPartial> partials) {
        this.tenant = tenant;
        this.resourceUrn = resourceUrn;
        this.points = points;
        this.partials = partials;
    }

    /** A batch of the given points, all of one tenant and resource (tests and simple sources). */
    public static MetricBatch of(List<MetricPoint> points) {
        MetricBatch b = new MetricBatch(points.get(0).tenant, points.get(0).resourceUrn);
        b.points.addAll(points);
        return b;
    }

    /** The key both keyed metrics operators expect: {@link MetricDeltaConverter#resourceKey} of its points. */
    public String resourceKey() {
        if (key == null) {
            key = MetricDeltaConverter.resourceKey(tenant, resourceUrn);
        }
        return key;
    }

    public boolean isEmpty() {
        return points.isEmpty() && partials.isEmpty();
    }

    /** Points in the batch, counting those inside the partials. */
    public long pointCount() {
        long n = points.size();
        for (MetricPartial p : partials) {
            n += p.points();
        }
        return n;
    }
}
