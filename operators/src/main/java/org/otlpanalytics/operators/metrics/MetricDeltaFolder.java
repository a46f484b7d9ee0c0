package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Chained behind {@link MetricDeltaConverter}: folds each batch's delta and level points into one
 * {@link MetricPartial} per series and minute, as {@link MetricPreAggregator} does next to the
 * source for gauges and deltas. A cumulative series sends six points a minute at a 10-second
 * export interval; converted, they are six deltas that every operator behind (the limits' shuffles
 * and held batches, the minute aggregator) would serialize and add one by one. Folded, they cross
 * as one partial. The rows are the same: {@link MetricAccumulator} gives the same numbers whether
 * points are added one by one or merged as partials, in any order.
 *
 * <p>A point whose minute is already past the allowed lateness at this operator's
 * {@link WatermarkHorizon} (a late conversion of a point read long after its minute) passes as a
 * point: every operator behind has a watermark and a restored horizon no larger than this one's,
 * so it is judged late there too and dead-lettered as a point with its Kafka position, as before.
 * A folded point is never late behind. Points an accumulator refuses (another kind than the
 * series' first point of the minute, or more than {@link MetricAccumulator#MAX_POINTS}) are
 * counted ({@code metricDeltaFolder.pointsIgnored}), as the aggregator counted them.
 */
public class MetricDeltaFolder extends HorizonStreamOperator<MetricBatch>
        implements OneInputStreamOperator<MetricBatch, MetricBatch> {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "metricDeltaFolder";

    private final MetricOptions options;
    private transient EpochWindows minutes;
    private transient Counter folded;
    private transient Counter ignored;

    public MetricDeltaFolder(MetricOptions options) {
        this.options = options;
    }

    @Override
    public void open() throws Exception {
        super.open();
        minutes = new EpochWindows(MetricOptions.WINDOW_MILLIS, options.allowedLatenessMillis());
        MetricGroup g = getMetricGroup().addGroup(GROUP);
        folded = g.counter(MetricPipelineMetrics.POINTS_AGGREGATED);
        ignored = g.counter(MetricPipelineMetrics.POINTS_IGNORED);
    }

    @Override
    public void processElement(StreamRecord<MetricBatch> element) {
        MetricBatch in = element.getValue();
        if (in.points.isEmpty()) {
            output.collect(element);
            return;
        }
        long behind = lateBehind();
        MetricBatch out = new MetricBatch(in.tenant, in.resourceUrn, new ArrayList<>(), new ArrayList<>(in.partials));
        Map<SeriesMinute, MetricPartial> partials = new HashMap<>();
        List<MetricPartial> added = new ArrayList<>();
        for (MetricPoint p : in.points) {
            long ts = p.timeMillis();
            if (CumulativeToDelta.needsState(p) || minutes.isLate(ts, behind)) {
                out.points.add(p);
                continue;
            }
            long minute = minutes.start(ts);
            SeriesMinute k = new SeriesMinute(minute, p.name, p.labelsHash);
            MetricPartial q = partials.get(k);
            if (q == null) {
                q = new MetricPartial(minute, new MetricAccumulator(options.kllK()));
                partials.put(k, q);
                added.add(q);
            }
            if (!q.accumulator.add(p)) {
                ignored.inc();
                continue;
            }
            q.observeService(p.serviceUrn, p.serviceName, p.serviceNamespace);
            folded.inc();
        }
        for (MetricPartial q : added) {
            if (q.accumulator.points() > 0) {
                out.partials.add(q);
            }
        }
        if (!out.isEmpty()) {
            output.collect(new StreamRecord<>(out));
        }
    }

    /** A series (metric and labels hash) within its resource, and a minute. */
    private record SeriesMinute(long minute, String metric, long labelsHash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SeriesMinute k && minute == k.minute && labelsHash == k.labelsHash
                    && Objects.equals(metric, k.metric);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(minute) * 961 + Long.hashCode(labelsHash) * 31 + Objects.hashCode(metric);
        }
    }
}
