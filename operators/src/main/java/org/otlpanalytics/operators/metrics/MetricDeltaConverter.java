package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Cumulative-to-delta per series, keyed by resource ({@link #resourceKey}): the
 * {@link CumulativeToDelta} core with one {@link SeriesState} per series in keyed state.
 * Gauges, delta points and up-down sums pass straight through.
 *
 * <p>Order: a series' deltas depend on the order of its points, and a resource's messages may be
 * spread over several Kafka partitions that a restart reads in another interleaving. So
 * cumulative points wait in state until the watermark passes their time and are then converted
 * sorted by (time, partition, offset): the same input gives the same deltas however it was
 * read. A point that arrives behind the watermark (later than the out-of-orderness bound) is
 * converted at once and counted ({@code pointsConvertedLate}); the core drops it if its series
 * has already moved past it.
 *
 * <p>Bounds: a resource keeps at most {@code maxSeriesPerResource} cumulative series (points of
 * further series are dropped and counted until expiry frees a slot; decided in time order, so
 * deterministic); a series without a point for {@code seriesIdleTimeout} of event time is
 * removed by a scan on whole minutes and counted ({@code seriesExpired}) — its next point is a
 * first point again.
 */
public class MetricDeltaConverter extends KeyedProcessFunction<String, MetricPoint, MetricPoint> implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    private static final String SERIES = "metric-series";
    private static final String PENDING = "metric-pending";
    private static final String SERIES_COUNT = "metric-series-count";
    private static final String NEXT_SCAN = "metric-next-expiry-scan";
    /** Processing order of the points waiting for the watermark; the sort is stable. */
    static final Comparator<MetricPoint> ORDER = Comparator.<MetricPoint>comparingLong(p -> p.timeNanos)
            .thenComparingInt(p -> p.kafkaPartition).thenComparingLong(p -> p.kafkaOffset);

    private final MetricOptions options;
    private transient WatermarkHorizon horizon;
    private final CumulativeToDelta core;
    private final MapStateDescriptor<String, SeriesState> seriesDescriptor;
    private final MapStateDescriptor<Long, List<MetricPoint>> pendingDescriptor;
    private final ValueStateDescriptor<Integer> countDescriptor;
    private final ValueStateDescriptor<Long> scanDescriptor;
    private transient MapState<String, SeriesState> series;
    private transient MapState<Long, List<MetricPoint>> pending;
    private transient ValueState<Integer> seriesCount;
    private transient ValueState<Long> nextScan;
    private transient Counter passed;
    private transient Counter converted;
    private transient Counter firstRecorded;
    private transient Counter resets;
    private transient Counter duplicates;
    private transient Counter outOfOrder;
    private transient Counter layoutChanged;
    private transient Counter convertedLate;
    private transient Counter limitDropped;
    private transient Counter expired;
    private transient Counter created;

    public MetricDeltaConverter(MetricOptions options) {
        this.options = options;
        this.core = new CumulativeToDelta(options.firstPointMaxInterval());
        this.seriesDescriptor = new MapStateDescriptor<>(SERIES, StringSerializer.INSTANCE, new SeriesStateTypeSerializer());
        this.pendingDescriptor = new MapStateDescriptor<>(PENDING, LongSerializer.INSTANCE,
                new ListSerializer<>(new MetricPointSerializer()));
        this.countDescriptor = new ValueStateDescriptor<>(SERIES_COUNT, Types.INT);
        this.scanDescriptor = new ValueStateDescriptor<>(NEXT_SCAN, Types.LONG);
    }

    /**
     * The key both metrics operators expect: one per tenant and resource, length-prefixed
     * ({@link CompositeKey}) so that no crafted tenant or resource name can produce another's key.
     */
    public static String resourceKey(MetricPoint p) {
        return CompositeKey.of(p.tenant, p.resourceUrn);
    }

    /** A series within its resource: metric name and labels hash ({@link CompositeKey}). */
    static String seriesKey(MetricPoint p) {
        return CompositeKey.of(p.name, Long.toHexString(p.labelsHash));
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
        series = getRuntimeContext().getMapState(seriesDescriptor);
        pending = getRuntimeContext().getMapState(pendingDescriptor);
        seriesCount = getRuntimeContext().getState(countDescriptor);
        nextScan = getRuntimeContext().getState(scanDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(MetricPipelineMetrics.CONVERTER_GROUP);
        passed = g.counter(MetricPipelineMetrics.POINTS_PASSED);
        converted = g.counter(MetricPipelineMetrics.POINTS_CONVERTED);
        firstRecorded = g.counter(MetricPipelineMetrics.POINTS_FIRST_RECORDED);
        resets = g.counter(MetricPipelineMetrics.RESETS_DETECTED);
        duplicates = g.counter(MetricPipelineMetrics.POINTS_DUPLICATE_DROPPED);
        outOfOrder = g.counter(MetricPipelineMetrics.POINTS_OUT_OF_ORDER_DROPPED);
        layoutChanged = g.counter(MetricPipelineMetrics.POINTS_LAYOUT_CHANGED);
        convertedLate = g.counter(MetricPipelineMetrics.POINTS_CONVERTED_LATE);
        limitDropped = g.counter(MetricPipelineMetrics.POINTS_SERIES_LIMIT_DROPPED);
        expired = g.counter(MetricPipelineMetrics.SERIES_EXPIRED);
        created = g.counter(MetricPipelineMetrics.SERIES_CREATED);
    }

    @Override
    public void processElement(MetricPoint p, Context ctx, Collector<MetricPoint> out) throws Exception {
        if (!CumulativeToDelta.needsState(p)) {
            passed.inc();
            out.collect(p);
            return;
        }
        long t = p.timeMillis();
        if (t <= horizon.effective(ctx.timerService().currentWatermark())) {
            convertedLate.inc();
            convert(p, ctx, out);
            return;
        }
        List<MetricPoint> waiting = pending.get(t);
        if (waiting == null) {
            waiting = new ArrayList<>(4);
            ctx.timerService().registerEventTimeTimer(t);
        }
        // a copy: the input object may be reused by the runtime (object reuse is on)
        waiting.add(p.copy());
        pending.put(t, waiting);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
        List<MetricPoint> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            due.sort(ORDER);
            for (MetricPoint p : due) {
                convert(p, ctx, out);
            }
        }
        Long scan = nextScan.value();
        if (scan != null && scan == timestamp) {
            expire(timestamp, ctx);
        }
    }

    private void convert(MetricPoint p, Context ctx, Collector<MetricPoint> out) throws Exception {
        String key = seriesKey(p);
        SeriesState s = series.get(key);
        if (s == null) {
            int n = seriesCount.value() == null ? 0 : seriesCount.value();
            if (options.maxSeriesPerResource() > 0 && n >= options.maxSeriesPerResource()) {
                limitDropped.inc();
                return;
            }
            s = new SeriesState();
            seriesCount.update(n + 1);
            created.inc();
        }
        CumulativeToDelta.Result r = core.convert(s, p);
        count(r.outcome);
        if (r.outcome.updatesState()) {
            series.put(key, s);
        }
        if (r.outcome.emits()) {
            out.collect(r.point);
        }
        if (nextScan.value() == null) {
            long at = minuteCeil(s.lastTimeNanos() / 1_000_000L + options.seriesIdleTimeoutMillis());
            nextScan.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    /** Removes the series idle for the timeout at event time {@code now}; schedules the next scan. */
    private void expire(long now, Context ctx) throws Exception {
        List<String> gone = new ArrayList<>();
        long oldestKept = Long.MAX_VALUE;
        for (Map.Entry<String, SeriesState> e : series.entries()) {
            if (e.getValue().isExpired(now, options.seriesIdleTimeoutMillis())) {
                gone.add(e.getKey());
            } else {
                oldestKept = Math.min(oldestKept, e.getValue().lastTimeNanos() / 1_000_000L);
            }
        }
        for (String k : gone) {
            series.remove(k);
        }
        expired.inc(gone.size());
        int left = (seriesCount.value() == null ? 0 : seriesCount.value()) - gone.size();
        if (left <= 0) {
            seriesCount.clear();
            nextScan.clear();
            return;
        }
        seriesCount.update(left);
        long at = minuteCeil(oldestKept + options.seriesIdleTimeoutMillis());
        nextScan.update(at);
        ctx.timerService().registerEventTimeTimer(at);
    }

    static long minuteCeil(long millis) {
        return Math.floorDiv(millis + MetricOptions.WINDOW_MILLIS - 1, MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS;
    }

    private void count(CumulativeToDelta.Outcome o) {
        switch (o) {
            case FIRST:
                firstRecorded.inc();
                break;
            case FIRST_EMITTED:
            case DELTA:
                converted.inc();
                break;
            case RESET:
                converted.inc();
                resets.inc();
                break;
            case DUPLICATE:
                duplicates.inc();
                break;
            case OUT_OF_ORDER:
                outOfOrder.inc();
                break;
            case LAYOUT_CHANGED:
                layoutChanged.inc();
                break;
            default:
                passed.inc();
                break;
        }
    }
}
