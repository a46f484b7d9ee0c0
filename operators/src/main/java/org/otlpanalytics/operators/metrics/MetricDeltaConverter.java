package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.SeparatedKey;
import org.otlpanalytics.operators.common.time.BatchTimers;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
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
 * cumulative points wait in state until the watermark passes the end of their minute and are
 * then converted sorted by (time, partition, offset): the same input gives the same deltas
 * however it was read. (Converting at the end of the minute rather than at each point's time
 * delays no row: the minute aggregator downstream fires that minute at the same watermark, after
 * these deltas.) A point whose minute has already been converted (later than the
 * out-of-orderness bound) is converted at once, in arrival order, and counted
 * ({@code pointsConvertedLate}); the core drops it if its series has already moved past it.
 * That is judged against the operator's {@link WatermarkHorizon} (checkpointed), so a point
 * re-read right after a restore is treated as in the run without the failure.
 *
 * <p>State is shaped for RocksDB, where every access serializes what it touches: waiting points
 * are a list state per key and minute (namespace = the minute's last millisecond, the time of
 * its timer), and a batch appends its points of a minute as one element, in one merge that
 * reads nothing, serialized as a {@link MetricBatch} (the tenant, resource, service, metric
 * names and attribute keys its points repeat are written once); one
 * timer per key and minute (registered once, remembered per key in memory); when a minute is
 * converted each series' state (one small map entry) is read and written once, however many
 * exports of the minute it has. That is why this is an operator rather than a
 * {@code KeyedProcessFunction}, which has no namespaced state.
 *
 * <p>Bounds: a resource keeps at most {@code maxSeriesPerResource} cumulative series (points of
 * further series are dropped and counted until expiry frees a slot; decided in time order, so
 * deterministic); a series without a point for {@code seriesIdleTimeout} of event time is
 * removed by a scan on whole minutes and counted ({@code seriesExpired}) — its next point is a
 * first point again.
 */
public class MetricDeltaConverter extends HorizonStreamOperator<MetricBatch>
        implements OneInputStreamOperator<MetricBatch, MetricBatch>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final String SERIES = "metric-series";
    /** Waiting points: per key and minute, one list element per input batch's points of that minute. */
    private static final String PENDING = "metric-pending-batches";
    /** The per-point waiting lists of the previous release (namespace = point time = timer); read at their timers. */
    private static final String PENDING_POINTS = "metric-pending-points";
    private static final String SERIES_COUNT = "metric-series-count";
    private static final String NEXT_SCAN = "metric-next-expiry-scan";
    /** Timer service name: the one {@code KeyedProcessOperator} used, so timers of earlier releases still fire. */
    private static final String TIMERS = "user-timers";
    /** The whole-list pending state of releases before the namespaced lists; only cleaned up. */
    private static final String LEGACY_PENDING = "metric-pending";
    /** The separator of 0.1.0's keys: never change, savepoints depend on it. */
    private static final char KEY_SEPARATOR = '\u001f';
    /** Keys whose last registered conversion timer is remembered, at most. */
    private static final int REGISTERED_CACHE = 100_000;
    /** Processing order of the points waiting for the watermark; the sort is stable. */
    static final Comparator<MetricPoint> ORDER = (a, b) -> {
        int c = Long.compare(a.timeNanos, b.timeNanos);
        if (c == 0) {
            c = Integer.compare(a.kafkaPartition, b.kafkaPartition);
        }
        return c != 0 ? c : Long.compare(a.kafkaOffset, b.kafkaOffset);
    };

    private final MetricOptions options;
    private final CumulativeToDelta core;
    private final MapStateDescriptor<String, SeriesState> seriesDescriptor;
    private final ListStateDescriptor<MetricBatch> pendingDescriptor;
    private final ListStateDescriptor<MetricPoint> pendingPointsDescriptor;
    private final ValueStateDescriptor<Integer> countDescriptor;
    private final ValueStateDescriptor<Long> scanDescriptor;
    private final MapStateDescriptor<Long, List<MetricPoint>> legacyDescriptor;
    private transient MapState<String, SeriesState> series;
    private transient InternalListState<String, Long, MetricBatch> pending;
    private transient InternalListState<String, Long, MetricPoint> pendingPoints;
    private transient ValueState<Integer> seriesCount;
    private transient ValueState<Long> nextScan;
    private transient MapState<Long, List<MetricPoint>> legacyPending;
    private transient InternalTimerService<VoidNamespace> timers;
    /** Per key, the last conversion time whose timer this subtask registered (not checkpointed). */
    private transient Map<Object, Long> registered;
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
        this(options, new MetricBatchSerializer());
    }

    /** With the serializer of waiting points given (tests count what it writes). */
    MetricDeltaConverter(MetricOptions options, TypeSerializer<MetricBatch> pendingSerializer) {
        this.options = options;
        this.core = new CumulativeToDelta(options.firstPointMaxInterval());
        this.seriesDescriptor = new MapStateDescriptor<>(SERIES, StringSerializer.INSTANCE, new SeriesStateTypeSerializer());
        this.pendingDescriptor = new ListStateDescriptor<>(PENDING, pendingSerializer);
        this.pendingPointsDescriptor = new ListStateDescriptor<>(PENDING_POINTS, new MetricPointSerializer());
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
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        series = getPartitionedState(seriesDescriptor);
        pending = (InternalListState<String, Long, MetricBatch>) getOrCreateKeyedState(LongSerializer.INSTANCE, pendingDescriptor);
        pendingPoints = (InternalListState<String, Long, MetricPoint>)
                getOrCreateKeyedState(LongSerializer.INSTANCE, pendingPointsDescriptor);
        seriesCount = getPartitionedState(countDescriptor);
        nextScan = getPartitionedState(scanDescriptor);
        legacyPending = getPartitionedState(legacyDescriptor);
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        registered = new HashMap<>();
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
    public void processElement(StreamRecord<MetricBatch> element) throws Exception {
        MetricBatch in = element.getValue();
        MetricBatch out = new MetricBatch(in.tenant, in.resourceUrn, new ArrayList<>(), in.partials);
        long behind = horizon().effective(timers.currentWatermark());
        Session late = null;
        // the batch's waiting points by the end of their minute: one append and one timer per minute
        long lastDue = Long.MIN_VALUE;
        List<MetricPoint> lastList = null;
        TreeMap<Long, List<MetricPoint>> waiting = null;
        for (MetricPoint p : in.points) {
            if (!CumulativeToDelta.needsState(p)) {
                passed.inc();
                out.points.add(p);
                continue;
            }
            long due = dueAt(p.timeMillis());
            if (due <= behind) {
                // its minute has been converted already: at once, in arrival order
                convertedLate.inc();
                if (late == null) {
                    late = new Session();
                }
                late.convert(p, out);
                continue;
            }
            if (due != lastDue) {
                if (waiting == null) {
                    waiting = new TreeMap<>();
                }
                lastList = waiting.computeIfAbsent(due, d -> new ArrayList<>());
                lastDue = due;
            }
            lastList.add(p);
        }
        if (late != null) {
            late.close();
        }
        if (waiting != null) {
            Object key = getCurrentKey();
            for (Map.Entry<Long, List<MetricPoint>> e : waiting.entrySet()) {
                // an append of one element: on RocksDB one merge that reads nothing, its strings
                // written once (MetricBatchSerializer's table). The point objects are not reused
                // afterwards (batches are deserialized fresh), so the heap backend may keep them.
                pending.setCurrentNamespace(e.getKey());
                pending.add(new MetricBatch(in.tenant, in.resourceUrn, e.getValue(), new ArrayList<>()));
                registerOnce(key, e.getKey());
            }
        }
        if (!out.isEmpty()) {
            output.collect(new StreamRecord<>(out));
        }
    }

    /**
     * Registers the timer that converts the points due at {@code due}, unless this subtask did so
     * already since it started (a timer is registered once per key and minute, not per export;
     * the cache is only an optimisation: after a restore the timers come back with the state).
     */
    private void registerOnce(Object key, long due) {
        Long known = registered.get(key);
        if (known != null && known == due) {
            return;
        }
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, due);
        if (known == null && registered.size() >= REGISTERED_CACHE) {
            registered.clear();
        }
        registered.put(key, due);
    }

    /** When the points of time {@code millis} are converted: the last millisecond of their minute. */
    static long dueAt(long millis) {
        return Math.floorDiv(millis, MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS + MetricOptions.WINDOW_MILLIS - 1;
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long ts = timer.getTimestamp();
        runScansBatchDropped(ts);
        Session session = new Session();
        // the points due now (also those of the per-timestamp lists of earlier releases, whose
        // namespace is their own time and whose timer is at that time)
        List<MetricPoint> sorted = new ArrayList<>();
        pending.setCurrentNamespace(ts);
        Iterable<MetricBatch> due = pending.get();
        if (due != null) {
            due.forEach(b -> sorted.addAll(b.points));
            pending.clear();
        }
        pendingPoints.setCurrentNamespace(ts);
        Iterable<MetricPoint> duePoints = pendingPoints.get();
        if (duePoints != null) {
            duePoints.forEach(sorted::add);
            pendingPoints.clear();
        }
        // points 0.1.0 left waiting in its whole-list state, under the same key and timer:
        // converted with the ones due now (dropping them loses their deltas)
        List<MetricPoint> legacy = legacyPending.get(ts);
        if (legacy != null) {
            sorted.addAll(legacy);
            legacyPending.remove(ts);
        }
        if (!sorted.isEmpty()) {
            sorted.sort(ORDER);
            checkKey(timer.getKey(), sorted);
            MetricBatch out = new MetricBatch(null, null);
            for (MetricPoint p : sorted) {
                session.convert(p, out);
            }
            if (!out.points.isEmpty()) {
                out.tenant = out.points.get(0).tenant;
                out.resourceUrn = out.points.get(0).resourceUrn;
                output.collect(new StreamRecord<>(out));
            }
        }
        session.close();
        if (session.scan != null && session.scan == ts) {
            expire(ts);
        }
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

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // no processing-time timers
    }

    /**
     * The conversions of one key at one time (a timer, or a batch's late points): each series'
     * state is read once and written once however many of its points are converted, and the
     * series count and next expiry scan are read and written at most once.
     */
    private final class Session {
        private final Map<String, SeriesState> touched = new HashMap<>();
        private final Set<String> dirty = new HashSet<>();
        /** {@link #seriesKey} per metric name and labels hash: built once per series, not once per point (a minute has several). */
        private final Map<SeriesName, String> keys = new HashMap<>();
        private Integer count;
        private boolean countChanged;
        Long scan;

        Session() throws Exception {
            scan = nextScan.value();
        }

        void convert(MetricPoint p, MetricBatch out) throws Exception {
            String key = keys.computeIfAbsent(new SeriesName(p.name, p.labelsHash), n -> seriesKey(p));
            SeriesState s = touched.get(key);
            if (s == null) {
                s = series.get(key);
                if (s == null) {
                    if (count == null) {
                        Integer n = seriesCount.value();
                        count = n == null ? 0 : n;
                    }
                    if (options.maxSeriesPerResource() > 0 && count >= options.maxSeriesPerResource()) {
                        limitDropped.inc();
                        return;
                    }
                    s = new SeriesState();
                    count++;
                    countChanged = true;
                    created.inc();
                }
                touched.put(key, s);
            }
            CumulativeToDelta.Result r = core.convert(s, p);
            count(r.outcome);
            if (r.outcome.updatesState()) {
                dirty.add(key);
            }
            if (r.outcome.emits()) {
                out.points.add(r.point);
            }
            if (scan == null) {
                long at = minuteCeil(s.lastTimeNanos() / 1_000_000L + options.seriesIdleTimeoutMillis());
                nextScan.update(at);
                registerScan(at);
                scan = at;
            }
        }

        /** Writes what changed. */
        void close() throws Exception {
            for (String key : dirty) {
                series.put(key, touched.get(key));
            }
            if (countChanged) {
                seriesCount.update(count);
            }
        }
    }

    /** What {@link #seriesKey} is made of. */
    private record SeriesName(String name, long labelsHash) {}

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
        registerScan(at);
    }

    /** Registers the expiry scan's timer, unless Flink's batch execution would drop it ({@link #runScansBatchDropped}). */
    private void registerScan(long at) {
        if (!BatchTimers.ignoresNewTimers(timers)) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, at);
        }
    }

    /**
     * Runs, in a batch run, the expiry scans due before {@code ts}. Batch execution fires a key's
     * timers at the end of its input and drops timers registered while they fire, and scans are
     * registered there (when a minute is converted), so none ever fired: a series idle for longer
     * than the timeout inside a batch backfill was not expired, and its next point gave a delta over
     * the whole gap where the streaming run had started the series afresh. The scan a streaming run
     * fires at {@code nextScan} comes after every minute due before it and before the ones after, as
     * here. Never true in streaming mode, where the scan timer has fired (and moved on) by then.
     */
    private void runScansBatchDropped(long ts) throws Exception {
        if (!BatchTimers.ignoresNewTimers(timers)) {
            return;
        }
        Long scan = nextScan.value();
        while (scan != null && scan < ts) {
            expire(scan);
            scan = nextScan.value();
        }
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
