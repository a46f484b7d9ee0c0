package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.schemas.metrics.LabelsHash;
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

    /**
     * The batch split into one batch per minute of event time (points by their time, partials by
     * their minute), in minute order: the per-minute slots of the metric limits. A batch of one
     * minute is returned as is.
     */
    public List<MetricBatch> byMinute() {
        TreeMap<Long, MetricBatch> m = new TreeMap<>();
        for (MetricPoint p : points) {
            minute(m, Math.floorDiv(p.timeMillis(), MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS)
                    .points.add(p);
        }
        for (MetricPartial q : partials) {
            minute(m, Math.floorDiv(q.minuteStartMillis, MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS)
                    .partials.add(q);
        }
        if (m.size() <= 1) {
            return List.of(this);
        }
        return new ArrayList<>(m.values());
    }

    /**
     * The batches of one tenant and resource as one batch (points, then partials, in the order given);
     * batches of another tenant or resource than the first's stay apart. What the tenant and resource
     * limit releases for a resource and minute at once: the aggregator behind then reads, groups and
     * writes the minute's series once, whatever number of converter outputs they came in (its numbers do
     * not depend on how points and partials are batched: {@link MetricAccumulator} merges are order-free).
     */
    public static List<MetricBatch> combine(List<MetricBatch> batches) {
        if (batches.size() <= 1) {
            return batches;
        }
        List<MetricBatch> out = new ArrayList<>(1);
        MetricBatch into = null;
        for (MetricBatch b : batches) {
            if (into != null && java.util.Objects.equals(into.tenant, b.tenant)
                    && java.util.Objects.equals(into.resourceUrn, b.resourceUrn)) {
                into.points.addAll(b.points);
                into.partials.addAll(b.partials);
                continue;
            }
            into = new MetricBatch(b.tenant, b.resourceUrn, new ArrayList<>(b.points), new ArrayList<>(b.partials));
            out.add(into);
        }
        return out;
    }

    /** The start of the minute of the batch's earliest point or partial ({@link Long#MIN_VALUE} when empty). */
    public long firstMinuteStartMillis() {
        long t = Long.MAX_VALUE;
        for (MetricPoint p : points) {
            t = Math.min(t, p.timeMillis());
        }
        for (MetricPartial q : partials) {
            t = Math.min(t, q.minuteStartMillis);
        }
        return t == Long.MAX_VALUE ? Long.MIN_VALUE : Math.floorDiv(t, MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS;
    }

    /**
     * Rewrites, in place, the identity of the batch and of everything in it to another tenant and
     * resource (a limit's overflow tenant or resource); the reporting service of points and
     * partials becomes {@code service*} when {@code serviceUrn} is not null. Counts are untouched.
     */
    public void moveTo(String newTenant, String newResourceUrn, String serviceUrn, String serviceName,
            String serviceNamespace) {
        tenant = newTenant;
        resourceUrn = newResourceUrn;
        key = null;
        for (MetricPoint p : points) {
            p.tenant = newTenant;
            p.resourceUrn = newResourceUrn;
            if (serviceUrn != null) {
                p.serviceUrn = serviceUrn;
                p.serviceName = serviceName;
                p.serviceNamespace = serviceNamespace;
                p.hostName = null;
            }
        }
        for (MetricPartial q : partials) {
            q.accumulator.tenant = newTenant;
            q.accumulator.resourceUrn = newResourceUrn;
            if (serviceUrn != null) {
                q.serviceUrn = serviceUrn;
                q.serviceName = serviceName;
                q.serviceNamespace = serviceNamespace;
            }
        }
    }

    /**
     * The batch split into one batch per series (metric and labels): its points and partials of
     * that series, in the order the series first appear. The unit of the per-tenant series limit.
     * A batch of one series is returned as is.
     */
    public List<MetricBatch> bySeries() {
        if (points.size() + partials.size() <= 1) {
            return List.of(this);
        }
        LinkedHashMap<SeriesId, MetricBatch> m = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            m.computeIfAbsent(new SeriesId(p.name, p.labelsHash), k -> new MetricBatch(tenant, resourceUrn)).points.add(p);
        }
        for (MetricPartial q : partials) {
            m.computeIfAbsent(new SeriesId(q.accumulator.metric, q.accumulator.labelsHash), k -> new MetricBatch(tenant, resourceUrn))
                    .partials.add(q);
        }
        if (m.size() <= 1) {
            return List.of(this);
        }
        return new ArrayList<>(m.values());
    }

    /** The series of a one-series batch ({@link #bySeries}) within its tenant: resource, metric and labels hash. */
    public String seriesMember() {
        if (!points.isEmpty()) {
            MetricPoint p = points.get(0);
            return CompositeKey.of(resourceUrn, p.name, Long.toHexString(p.labelsHash));
        }
        if (!partials.isEmpty()) {
            MetricAccumulator a = partials.get(0).accumulator;
            return CompositeKey.of(resourceUrn, a.metric, Long.toHexString(a.labelsHash));
        }
        return CompositeKey.of(resourceUrn);
    }

    /** Whether the batch's (first) series carries the overflow label set ({@link #foldLabels}). */
    public boolean isOverflowSeries() {
        if (!points.isEmpty()) {
            return points.get(0).labelsHash == OVERFLOW_LABELS_HASH && isOverflowLabels(points.get(0).attributeKeys);
        }
        return !partials.isEmpty() && partials.get(0).accumulator.labelsHash == OVERFLOW_LABELS_HASH
                && isOverflowLabels(partials.get(0).accumulator.attributeKeys);
    }

    /**
     * Rewrites, in place, the labels of every point and partial to the one overflow label set
     * {@code {otel.metric.overflow: "true"}} (the OpenTelemetry SDKs' overflow attribute), so the
     * series past the per-tenant limit count under one series per resource and metric. Metric,
     * resource and counts are untouched.
     */
    public void foldLabels() {
        for (MetricPoint p : points) {
            p.attributeKeys = OVERFLOW_KEYS.clone();
            p.attributeValues = OVERFLOW_VALUES.clone();
            p.labelsHash = OVERFLOW_LABELS_HASH;
        }
        for (MetricPartial q : partials) {
            q.accumulator.attributeKeys = OVERFLOW_KEYS.clone();
            q.accumulator.attributeValues = OVERFLOW_VALUES.clone();
            q.accumulator.labelsHash = OVERFLOW_LABELS_HASH;
        }
    }

    /** The label key of the overflow series, as the OpenTelemetry SDKs name it. */
    public static final String OVERFLOW_LABEL = "otel.metric.overflow";
    private static final String[] OVERFLOW_KEYS = {OVERFLOW_LABEL};
    private static final String[] OVERFLOW_VALUES = {"true"};
    public static final long OVERFLOW_LABELS_HASH = LabelsHash.of(OVERFLOW_KEYS, OVERFLOW_VALUES);

    private static boolean isOverflowLabels(String[] keys) {
        return keys != null && keys.length == 1 && OVERFLOW_LABEL.equals(keys[0]);
    }

    private record SeriesId(String metric, long labelsHash) {}

    private MetricBatch minute(TreeMap<Long, MetricBatch> m, long minute) {
        return m.computeIfAbsent(minute, k -> new MetricBatch(tenant, resourceUrn));
    }
}
