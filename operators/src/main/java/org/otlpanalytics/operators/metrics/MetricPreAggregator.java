package org.otlpanalytics.operators.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Local (per source subtask) pre-aggregation of metric points, chained to the source, as
 * {@code RedPreAggregator} does for spans: the shuffle by resource carries one
 * {@link MetricBatch} per resource and flush instead of one record per point, and within it one
 * {@link MetricPartial} per series and minute for gauges and delta points. Cumulative points
 * travel as they are: turning them into deltas needs all of a series' points in time order,
 * which only the keyed {@link MetricDeltaConverter} sees.
 *
 * <p>Holds no checkpointed state but its {@link WatermarkHorizon}: everything buffered is
 * emitted before a checkpoint barrier, before a watermark that reaches the end of the earliest
 * buffered minute is forwarded (the watermark at which the converter converts that minute and
 * the aggregator fires it, so nothing arrives after the watermark that would make it late
 * downstream, and a series' exports of one minute fold into one partial), at end of input, and
 * when {@code maxEntries} points and partials are buffered. Gauges and deltas already later than the
 * allowed lateness at this operator's horizon go to {@link MetricMinuteAggregator#LATE_POINTS}
 * as points (so they can be dead-lettered with their Kafka position).
 */
public class MetricPreAggregator extends HorizonStreamOperator<MetricBatch>
        implements OneInputStreamOperator<MetricPoint, MetricBatch>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Default of {@code maxEntries}. */
    public static final int DEFAULT_MAX_ENTRIES = 50_000;

    private final MetricOptions options;
    private final int maxEntries;
    private transient EpochWindows minutes;
    private transient Map<ResourceRef, Builder> buffer;
    private transient LastResource last;
    private transient int entries;
    /** The last millisecond of the earliest minute buffered: a watermark there flushes (MAX_VALUE: empty). */
    private transient long flushAt;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter ignored;
    private transient Counter batchesEmitted;

    public MetricPreAggregator(MetricOptions options, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        this.options = options;
        this.maxEntries = maxEntries;
    }

    @Override
    public void open() throws Exception {
        super.open();
        minutes = new EpochWindows(MetricOptions.WINDOW_MILLIS, options.allowedLatenessMillis());
        buffer = new HashMap<>();
        flushAt = Long.MAX_VALUE;
        MetricGroup g = getMetricGroup().addGroup(MetricPipelineMetrics.PRE_AGGREGATOR_GROUP);
        aggregated = g.counter(MetricPipelineMetrics.POINTS_AGGREGATED);
        late = g.counter(MetricPipelineMetrics.POINTS_LATE_DROPPED);
        ignored = g.counter(MetricPipelineMetrics.POINTS_IGNORED);
        batchesEmitted = g.counter(MetricPipelineMetrics.BATCHES_EMITTED);
    }

    @Override
    public void processElement(StreamRecord<MetricPoint> element) {
        MetricPoint p = element.getValue();
        Builder b = builderOf(p);
        if (CumulativeToDelta.needsState(p)) {
            // a copy: the runtime reuses the input object (object reuse is on)
            b.batch.points.add(p.copy());
            entries++;
            flushAt = Math.min(flushAt, MetricDeltaConverter.dueAt(p.timeMillis()));
        } else {
            long ts = p.timeMillis();
            if (minutes.isLate(ts, lateBehind())) {
                late.inc();
                output.collect(MetricMinuteAggregator.LATE_POINTS, new StreamRecord<>(p, ts));
                return;
            }
            long minute = minutes.start(ts);
            SeriesMinute k = new SeriesMinute(minute, p.name, p.labelsHash);
            MetricPartial q = b.partials.get(k);
            if (q == null) {
                q = new MetricPartial(minute, new MetricAccumulator(options.kllK()));
                b.partials.put(k, q);
                b.batch.partials.add(q);
                entries++;
                flushAt = Math.min(flushAt, minute + MetricOptions.WINDOW_MILLIS - 1);
            }
            if (!q.accumulator.add(p)) {
                ignored.inc();
                return;
            }
            q.observeService(p.serviceUrn, p.serviceName, p.serviceNamespace);
            aggregated.inc();
        }
        if (entries >= maxEntries) {
            flush();
        }
    }

    /**
     * The batch being filled for the point's tenant and resource. A message's points come one
     * after another with the same tenant and resource objects (the decoder shares them), so the
     * last builder is tried first, by identity, before the map.
     */
    private Builder builderOf(MetricPoint p) {
        if (last != null && p.tenant == last.tenant && p.resourceUrn == last.resourceUrn) {
            return last.builder;
        }
        Builder b = buffer.computeIfAbsent(new ResourceRef(p.tenant, p.resourceUrn), r -> new Builder(r.tenant, r.resourceUrn));
        last = new LastResource(p.tenant, p.resourceUrn, b);
        return b;
    }

    /** The tenant and resource objects of the last point and their builder. */
    private record LastResource(String tenant, String resourceUrn, Builder builder) {}

    @Override
    protected void onWatermark(long watermark) throws Exception {
        if (watermark >= flushAt) {
            flush();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        for (Builder b : buffer.values()) {
            // a series whose only points were refused leaves an empty partial behind: not sent
            b.batch.partials.removeIf(q -> q.accumulator.points() == 0);
            if (!b.batch.isEmpty()) {
                output.collect(new StreamRecord<>(b.batch));
                batchesEmitted.inc();
            }
        }
        buffer.clear();
        last = null;
        entries = 0;
        flushAt = Long.MAX_VALUE;
    }

    /** The batch being filled for one resource, with its partials by series and minute. */
    private static final class Builder {
        final MetricBatch batch;
        final Map<SeriesMinute, MetricPartial> partials = new HashMap<>();

        Builder(String tenant, String resourceUrn) {
            this.batch = new MetricBatch(tenant, resourceUrn);
        }
    }

    private static final class ResourceRef {
        final String tenant;
        final String resourceUrn;
        private final int hash;

        ResourceRef(String tenant, String resourceUrn) {
            this.tenant = tenant;
            this.resourceUrn = resourceUrn;
            this.hash = Objects.hash(tenant, resourceUrn);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ResourceRef && Objects.equals(tenant, ((ResourceRef) o).tenant)
                    && Objects.equals(resourceUrn, ((ResourceRef) o).resourceUrn);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final class SeriesMinute {
        final long minute;
        final String metric;
        final long labelsHash;

        SeriesMinute(long minute, String metric, long labelsHash) {
            this.minute = minute;
            this.metric = metric;
            this.labelsHash = labelsHash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof SeriesMinute)) {
                return false;
            }
            SeriesMinute k = (SeriesMinute) o;
            return minute == k.minute && labelsHash == k.labelsHash && Objects.equals(metric, k.metric);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(minute) * 31 * 31 + Long.hashCode(labelsHash) * 31 + Objects.hashCode(metric);
        }
    }
}
