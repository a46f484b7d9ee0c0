package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * {@code metric_1m} and USE per resource in 1-minute event-time windows aligned to the epoch,
 * keyed by resource ({@link MetricDeltaConverter#resourceKey}) so that all of a resource's series
 * meet: the per-resource series cap is enforced there, and USE ({@link UseCalculator}) is
 * computed from the resource's rows of the minute without another shuffle. Input points must be
 * delta or level points (the output of {@link MetricDeltaConverter}).
 *
 * <p>A minute fires when the watermark passes its end: one {@link MetricRow} per series, and
 * one {@link UseRow} on {@link #USE_ROWS} when a mapped metric had data. Points arriving later
 * but within the allowed lateness update their series, re-emit its row and the resource's USE
 * row (rows are upserts); points later than that go to {@link #LATE_POINTS} and are counted.
 * Every number is independent of the order points arrive in ({@link MetricAccumulator}), so a
 * restart or a replay writes identical rows.
 */
public class MetricMinuteAggregator extends KeyedProcessFunction<String, MetricPoint, MetricRow> implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<UseRow> USE_ROWS = new OutputTag<>("use-rows", TypeInformation.of(UseRow.class));
    public static final OutputTag<MetricPoint> LATE_POINTS =
            new OutputTag<>("metric-late-points", MetricPointTypeInfo.INSTANCE);
    private static final String BUCKETS = "metric-buckets";

    private final MetricOptions options;
    private transient WatermarkHorizon horizon;
    private transient UseCalculator use;
    private transient Set<String> useMetrics;
    private final MapStateDescriptor<Long, MetricBucket> bucketsDescriptor;
    private transient MapState<Long, MetricBucket> buckets;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter ignored;
    private transient Counter limitDropped;
    private transient Counter rows;
    private transient Counter useRows;

    public MetricMinuteAggregator(MetricOptions options) {
        this.options = options;
        this.bucketsDescriptor = new MapStateDescriptor<>(BUCKETS, LongSerializer.INSTANCE, new MetricBucketSerializer());
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        if (horizon == null) {
            throw new IllegalStateException("no watermark horizon: run " + getClass().getSimpleName()
                    + " in a HorizonKeyedProcessOperator");
        }
        buckets = getRuntimeContext().getMapState(bucketsDescriptor);
        use = new UseCalculator();
        useMetrics = UseMapping.metricNames();
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(MetricPipelineMetrics.AGGREGATOR_GROUP);
        aggregated = g.counter(MetricPipelineMetrics.POINTS_AGGREGATED);
        late = g.counter(MetricPipelineMetrics.POINTS_LATE_DROPPED);
        ignored = g.counter(MetricPipelineMetrics.POINTS_IGNORED);
        limitDropped = g.counter(MetricPipelineMetrics.SERIES_LIMIT_DROPPED);
        rows = g.counter(MetricPipelineMetrics.ROWS_EMITTED);
        useRows = g.counter(MetricPipelineMetrics.USE_ROWS_EMITTED);
    }

    @Override
    public void processElement(MetricPoint p, Context ctx, Collector<MetricRow> out) throws Exception {
        long ts = p.timeMillis();
        long bucket = Math.floorDiv(ts, MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS;
        long windowMax = bucket + MetricOptions.WINDOW_MILLIS - 1;
        if (windowMax + options.allowedLatenessMillis() <= horizon.effective(ctx.timerService().currentWatermark())) {
            late.inc();
            ctx.output(LATE_POINTS, p);
            return;
        }
        MetricBucket b = buckets.get(bucket);
        if (b == null) {
            b = new MetricBucket();
            b.bucketStartMillis = bucket;
            ctx.timerService().registerEventTimeTimer(windowMax);
            ctx.timerService().registerEventTimeTimer(windowMax + options.allowedLatenessMillis());
        }
        String key = MetricDeltaConverter.seriesKey(p);
        MetricAccumulator a = b.series.get(key);
        if (a == null) {
            MetricBucket.Admission admission = b.admit(key, options.maxSeriesPerResource());
            if (admission == MetricBucket.Admission.REFUSED) {
                limitDropped.inc();
                return;
            }
            if (admission == MetricBucket.Admission.ADMITTED_EVICTING) {
                limitDropped.inc();
            }
            a = new MetricAccumulator(options.kllK());
            b.series.put(key, a);
        }
        if (!a.add(p)) {
            ignored.inc();
            if (a.points() == 0) {
                b.series.remove(key);
            }
            return;
        }
        b.observe(p);
        aggregated.inc();
        buckets.put(bucket, b);
        if (b.fired) {
            // late but within the allowed lateness: the row and the resource's USE are rewritten
            emitRow(b, a, out);
            List<MetricRow> forUse = new ArrayList<>();
            for (MetricAccumulator x : b.series.values()) {
                if (useMetrics.contains(x.metric)) {
                    forUse.add(x.toRow(b.bucketStartMillis));
                }
            }
            emitUse(b, forUse, ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricRow> out) throws Exception {
        long fireBucket = timestamp + 1 - MetricOptions.WINDOW_MILLIS;
        MetricBucket b = buckets.get(fireBucket);
        if (b != null && !b.fired) {
            List<MetricRow> forUse = new ArrayList<>();
            for (MetricAccumulator a : b.series.values()) {
                MetricRow r = b.row(a);
                rows.inc();
                out.collect(r);
                if (useMetrics.contains(r.metric)) {
                    forUse.add(r);
                }
            }
            emitUse(b, forUse, ctx);
            b.fired = true;
            buckets.put(fireBucket, b);
        }
        long cleanupBucket = fireBucket - options.allowedLatenessMillis();
        MetricBucket c = buckets.get(cleanupBucket);
        if (c != null && c.fired) {
            buckets.remove(cleanupBucket);
        }
    }

    private void emitRow(MetricBucket b, MetricAccumulator a, Collector<MetricRow> out) {
        rows.inc();
        out.collect(b.row(a));
    }

    /** USE of the bucket from the rows of the metrics the mapping uses (in series-key order). */
    private void emitUse(MetricBucket b, List<MetricRow> all, Context ctx) {
        UseRow u = use.compute(b.tenant, b.resourceUrn, b.bucketStartMillis, MetricOptions.WINDOW_MILLIS, all);
        if (u != null) {
            useRows.inc();
            ctx.output(USE_ROWS, u);
        }
    }
}
