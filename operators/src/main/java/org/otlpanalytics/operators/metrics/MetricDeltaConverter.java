package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.SeparatedKey;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Cumulative-to-delta per series, keyed by resource ({@link #resourceKey}): the
 * {@link CumulativeToDelta} core with one {@link SeriesState} per series in keyed state. The
 * partials of a {@link MetricBatch} (gauges and deltas, already aggregated) and points that need
 * no state pass straight through.
 *
 * <p>Order: a series' deltas depend on the order of its points, and a resource's messages may be
 * spread over several Kafka partitions that a restart reads in another interleaving. So
 * cumulative points wait in state until the watermark passes their time and are then converted
 * sorted by (time, partition, offset): the same input gives the same deltas however it was
 * read. A point that arrives behind the watermark (later than the out-of-orderness bound) is
 * converted at once, in arrival order, and counted ({@code pointsConvertedLate}); the core drops
 * it if its series has already moved past it. "Behind the watermark" is judged against the
 * operator's {@link WatermarkHorizon} (checkpointed), so a point re-read right after a restore is
 * treated as in the run without the failure.
 *
 * <p>State is shaped for RocksDB: waiting points are a list state per timestamp (namespace), so
 * adding one is an append that neither reads nor rewrites the others; a series' state is one
 * small map entry. That is why this is an operator rather than a {@code KeyedProcessFunction},
 * which has no namespaced state.
 *
 * <p>Bounds: a resource keeps at most {@code maxSeriesPerResource} cumulative series (points of
 * further series are dropped and counted until expiry frees a slot; decided in time order, so
 * deterministic); a series without a point for {@code seriesIdleTimeout} of event time is
 * removed by a scan on whole minutes and counted ({@code seriesExpired}) — its next point is a
 * first point again.
 */
public class MetricDeltaConverter extends AbstractStreamOperator<MetricBatch>
        implements OneInputStreamOperator<MetricBatch, MetricBatch>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final String SERIES = "metric-series";
    /** The separator of 0.1.0's keys: never change, savepoints depend on it. */
    private static final char KEY_SEPARATOR = '\u001f';
    private static final String PENDING = "metric-pending-points";
    private static final String SERIES_COUNT = "metric-series-count";
    private static final String NEXT_SCAN = "metric-next-expiry-scan";
    /** Timer service name: the one {@code KeyedProcessOperator} used, so timers of earlier releases still fire. */
    private static final String TIMERS = "user-timers";
    /** The whole-list pending state of releases before the namespaced lists (0.1.0): read at its timers, then removed. */
    private static final String LEGACY_PENDING = "metric-pending";
    /** Processing order of the points waiting for the watermark; the sort is stable. */
    static final Comparator<MetricPoint> ORDER = Comparator.<MetricPoint>comparingLong(p -> p.timeNanos)
            .thenComparingInt(p -> p.kafkaPartition).thenComparingLong(p -> p.kafkaOffset);

    private final MetricOptions options;
    private final CumulativeToDelta core;
    private final MapStateDescriptor<String, SeriesState> seriesDescriptor;
    private final ListStateDescriptor<MetricPoint> pendingDescriptor;
    private final ValueStateDescriptor<Integer> countDescriptor;
    private final ValueStateDescriptor<Long> scanDescriptor;
    private final MapStateDescriptor<Long, List<MetricPoint>> legacyDescriptor;
    private transient MapState<String, SeriesState> series;
    private transient InternalListState<String, Long, MetricPoint> pending;
    private transient ValueState<Integer> seriesCount;
    private transient ValueState<Long> nextScan;
    private transient MapState<Long, List<MetricPoint>> legacyPending;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient WatermarkHorizon horizon;
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
        this(options, new MetricPointSerializer());
    }

    /** With the serializer of waiting points given (tests count what it writes). */
    MetricDeltaConverter(MetricOptions options, TypeSerializer<MetricPoint> pendingSerializer) {
        this.options = options;
        this.core = new CumulativeToDelta(options.firstPointMaxInterval());
        this.seriesDescriptor = new MapStateDescriptor<>(SERIES, StringSerializer.INSTANCE, new SeriesStateTypeSerializer());
        this.pendingDescriptor = new ListStateDescriptor<>(PENDING, pendingSerializer);
        this.countDescriptor = new ValueStateDescriptor<>(SERIES_COUNT, Types.INT);
        this.scanDescriptor = new ValueStateDescriptor<>(NEXT_SCAN, Types.LONG);
        this.legacyDescriptor = new MapStateDescriptor<>(LEGACY_PENDING, LongSerializer.INSTANCE,
                new ListSerializer<>(new MetricPointSerializer()));
    }

    /**
     * The key both metrics operators expect: one per tenant and resource, {@code \u001f}-joined with
     * escapes ({@link SeparatedKey}) so that no crafted tenant or resource name can produce another's
     * key, and so that it is the key 0.1.0 kept its state under (a changed key orphans restored state).
     */
    public static String resourceKey(MetricPoint p) {
        return resourceKey(p.tenant, p.resourceUrn);
    }

    /** The key of the resource {@code resourceUrn} of {@code tenant}. */
    public static String resourceKey(String tenant, String resourceUrn) {
        return SeparatedKey.of(KEY_SEPARATOR, tenant, resourceUrn);
    }

    /**
     * A series within its resource: metric name and labels hash, {@code \u001f}-joined with escapes
     * ({@link SeparatedKey}): injective, and the map key 0.1.0 kept the series' state under.
     */
    static String seriesKey(MetricPoint p) {
        return SeparatedKey.of(KEY_SEPARATOR, p.name, Long.toHexString(p.labelsHash));
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        horizon = new WatermarkHorizon();
        horizon.initialize(context.getOperatorStateStore());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        horizon.snapshot();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        series = getPartitionedState(seriesDescriptor);
        pending = (InternalListState<String, Long, MetricPoint>) getOrCreateKeyedState(LongSerializer.INSTANCE, pendingDescriptor);
        seriesCount = getPartitionedState(countDescriptor);
        nextScan = getPartitionedState(scanDescriptor);
        legacyPending = getPartitionedState(legacyDescriptor);
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        MetricGroup g = getMetricGroup().addGroup(MetricPipelineMetrics.CONVERTER_GROUP);
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
    public void processWatermark(Watermark mark) throws Exception {
        horizon.observe(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processElement(StreamRecord<MetricBatch> element) throws Exception {
        MetricBatch in = element.getValue();
        MetricBatch out = new MetricBatch(in.tenant, in.resourceUrn, new ArrayList<>(), in.partials);
        long behind = horizon.effective(timers.currentWatermark());
        long registered = Long.MIN_VALUE;
        Long scan = null;
        boolean scanRead = false;
        for (MetricPoint p : in.points) {
            if (!CumulativeToDelta.needsState(p)) {
                passed.inc();
                out.points.add(p);
                continue;
            }
            long t = p.timeMillis();
            if (t <= behind) {
                convertedLate.inc();
                if (!scanRead) {
                    scan = nextScan.value();
                    scanRead = true;
                }
                scan = convert(p, scan, out);
                continue;
            }
            // an append: on RocksDB a merge that reads nothing. The point object is not reused
            // afterwards (batches are deserialized fresh), so the heap backend may keep it.
            pending.setCurrentNamespace(t);
            pending.add(p);
            if (t != registered) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, t);
                registered = t;
            }
        }
        if (!out.isEmpty()) {
            output.collect(new StreamRecord<>(out));
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long ts = timer.getTimestamp();
        Long scan = nextScan.value();
        pending.setCurrentNamespace(ts);
        Iterable<MetricPoint> due = pending.get();
        // points an earlier release left waiting in its whole-list state, under the same key and
        // timer: converted with the ones due now (dropping them loses their deltas)
        List<MetricPoint> legacy = legacyPending.get(ts);
        if (due != null || legacy != null) {
            List<MetricPoint> sorted = new ArrayList<>();
            if (due != null) {
                due.forEach(sorted::add);
                pending.clear();
            }
            if (legacy != null) {
                sorted.addAll(legacy);
                legacyPending.remove(ts);
            }
            sorted.sort(ORDER);
            checkKey(timer.getKey(), sorted);
            MetricBatch out = new MetricBatch(null, null);
            for (MetricPoint p : sorted) {
                scan = convert(p, scan, out);
            }
            if (!out.points.isEmpty()) {
                out.tenant = out.points.get(0).tenant;
                out.resourceUrn = out.points.get(0).resourceUrn;
                output.collect(new StreamRecord<>(out));
            }
        }
        if (scan != null && scan == ts) {
            expire(ts);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // no processing-time timers
    }

    /**
     * Refuses points restored under a key they no longer get (a 0.1.0 key of a tenant or resource
     * holding U+001F, U+0001 or null, see {@link #resourceKey}): converted there, their series would
     * restart from nothing under the current key.
     */
    private static void checkKey(String key, List<MetricPoint> due) {
        if (due.isEmpty()) {
            return;
        }
        MetricPoint p = due.get(0);
        if (!resourceKey(p).equals(key)) {
            throw new IllegalStateException("incompatible restored state '" + PENDING + "'/'" + LEGACY_PENDING + "'/'" + SERIES
                    + "' of operator uid metrics-delta-converter: points of (tenant " + p.tenant + ", resource " + p.resourceUrn
                    + ") are stored under a key that is not their current key (a 0.1.0 key of a name holding U+001F, U+0001 or null). "
                    + "Restore without this state or replay the affected range");
        }
    }

    /** Converts one point into {@code out}; returns the (possibly newly scheduled) next expiry scan. */
    private Long convert(MetricPoint p, Long scan, MetricBatch out) throws Exception {
        String key = seriesKey(p);
        SeriesState s = series.get(key);
        if (s == null) {
            int n = seriesCount.value() == null ? 0 : seriesCount.value();
            if (options.maxSeriesPerResource() > 0 && n >= options.maxSeriesPerResource()) {
                limitDropped.inc();
                return scan;
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
            out.points.add(r.point);
        }
        if (scan == null) {
            long at = minuteCeil(s.lastTimeNanos() / 1_000_000L + options.seriesIdleTimeoutMillis());
            nextScan.update(at);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, at);
            return at;
        }
        return scan;
    }

    /** Removes the series idle for the timeout at event time {@code now}; schedules the next scan. */
    private void expire(long now) throws Exception {
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
        if (left <= 0 || oldestKept == Long.MAX_VALUE) {
            seriesCount.clear();
            nextScan.clear();
            return;
        }
        seriesCount.update(left);
        long at = minuteCeil(oldestKept + options.seriesIdleTimeoutMillis());
        nextScan.update(at);
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, at);
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
