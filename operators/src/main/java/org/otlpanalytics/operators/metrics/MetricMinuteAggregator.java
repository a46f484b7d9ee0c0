package org.otlpanalytics.operators.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * {@code metric_1m} and USE per resource in 1-minute event-time windows aligned to the epoch,
 * keyed by resource ({@link MetricDeltaConverter#resourceKey}) so that all of a resource's series
 * meet: the per-resource series cap is enforced there, and USE ({@link UseCalculator}) is
 * computed from the resource's rows of the minute without another shuffle. Input are
 * {@link MetricBatch}es of delta or level points and pre-aggregated minutes (the output of
 * {@link MetricDeltaConverter}).
 *
 * <p>A minute fires when the watermark passes its end: one {@link MetricRow} per series, and
 * one {@link UseRow} on {@link #USE_ROWS} when a mapped metric had data. Points arriving later
 * but within the allowed lateness update their series, re-emit its row and the resource's USE
 * row (rows are upserts); points later than that go to {@link #LATE_POINTS} (partials to
 * {@link #LATE_PARTIALS}) and are counted. Lateness is judged by {@link KeyedWindows} against the
 * operator's {@link WatermarkHorizon}, so it must run in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}. Every number is
 * independent of the order points arrive in ({@link MetricAccumulator}), so a restart or a replay
 * writes identical rows.
 *
 * <p>State is shaped for RocksDB, where every access serializes what it touches: one map entry
 * per series and minute ({@link SeriesSlot} → {@link MetricAccumulator}) and one small
 * {@link MetricWindow} per minute. A batch is grouped by series and minute in memory first, so
 * it reads and writes each of its series' entries and each minute's window once; only firing,
 * purging and late updates of a fired minute scan the resource's entries.
 */
public class MetricMinuteAggregator extends KeyedProcessFunction<String, MetricBatch, MetricRow>
        implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<UseRow> USE_ROWS = new OutputTag<>("use-rows", TypeInformation.of(UseRow.class));
    public static final OutputTag<MetricPoint> LATE_POINTS =
            new OutputTag<>("metric-late-points", MetricPointTypeInfo.INSTANCE);
    /** Pre-aggregated minutes late at this operator (rare: partials never overtake watermarks; counted). */
    public static final OutputTag<MetricPartial> LATE_PARTIALS =
            new OutputTag<>("metric-late-partials", TypeInformation.of(MetricPartial.class));
    /** State names: never change, savepoints depend on them. */
    public static final String WINDOWS = "metric-windows";
    private static final String SERIES = "metric-series-minutes";
    /** The whole-minute buckets of releases before the per-series state (0.1.0): migrated at their minute's first touch. */
    public static final String LEGACY_BUCKETS = "metric-buckets";
    private static final Comparator<MetricAccumulator> ROW_ORDER =
            Comparator.<MetricAccumulator, String>comparing(a -> a.metric).thenComparingLong(a -> a.labelsHash);

    private final MetricOptions options;
    private final MapStateDescriptor<Long, MetricWindow> windowsDescriptor;
    private final MapStateDescriptor<SeriesSlot, MetricAccumulator> seriesDescriptor;
    private final MapStateDescriptor<Long, MetricBucket> legacyDescriptor;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<MetricWindow> windows;
    /** The windows' map itself (what {@link #windows} stores), to take a key's minutes out whole. */
    private transient MapState<Long, MetricWindow> windowState;
    private transient MapState<SeriesSlot, MetricAccumulator> series;
    private transient MapState<Long, MetricBucket> legacyBuckets;
    private transient UseCalculator use;
    private transient Set<String> useMetrics;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter ignored;
    private transient Counter limitDropped;
    private transient Counter rows;
    private transient Counter useRows;

    public MetricMinuteAggregator(MetricOptions options) {
        this(options, new MetricAccumulatorTypeSerializer());
    }

    /** With the serializer of the series' accumulators given (tests count what it writes). */
    MetricMinuteAggregator(MetricOptions options, TypeSerializer<MetricAccumulator> accumulatorSerializer) {
        this.options = options;
        this.windowsDescriptor = new MapStateDescriptor<>(WINDOWS, LongSerializer.INSTANCE, new MetricWindowSerializer());
        this.seriesDescriptor = new MapStateDescriptor<>(SERIES, new SeriesSlotSerializer(), accumulatorSerializer);
        this.legacyDescriptor = new MapStateDescriptor<>(LEGACY_BUCKETS, LongSerializer.INSTANCE, new MetricBucketSerializer());
    }

    /** The stable hash of a series within its resource: ranks series under the cap and keys their state. */
    static long seriesHash(String metric, long labelsHash) {
        return StableHash.of(metric, Long.toHexString(labelsHash));
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        windowState = getRuntimeContext().getMapState(windowsDescriptor);
        windows = new KeyedWindows<>(new EpochWindows(MetricOptions.WINDOW_MILLIS, options.allowedLatenessMillis()),
                windowState, horizon);
        series = getRuntimeContext().getMapState(seriesDescriptor);
        legacyBuckets = getRuntimeContext().getMapState(legacyDescriptor);
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
    public void processElement(MetricBatch b, Context ctx, Collector<MetricRow> out) throws Exception {
        TreeMap<Long, Map<SeriesRef, Group>> byMinute = new TreeMap<>();
        for (MetricPoint p : b.points) {
            long minute = windows.assign(p.timeMillis(), ctx.timerService());
            if (minute == KeyedWindows.LATE) {
                late.inc();
                ctx.output(LATE_POINTS, p);
                continue;
            }
            Group g = group(byMinute, minute, p.name, p.labelsHash);
            if (!g.own().add(p)) {
                ignored.inc();
                continue;
            }
            g.observeService(p.serviceUrn, p.serviceName, p.serviceNamespace);
        }
        for (MetricPartial q : b.partials) {
            long minute = windows.assign(q.minuteStartMillis, ctx.timerService());
            if (minute == KeyedWindows.LATE) {
                late.inc(q.points());
                ctx.output(LATE_PARTIALS, q);
                continue;
            }
            Group g = group(byMinute, minute, q.accumulator.metric, q.accumulator.labelsHash);
            g.add(q.accumulator);
            g.observeService(q.serviceUrn, q.serviceName, q.serviceNamespace);
        }
        for (Map.Entry<Long, Map<SeriesRef, Group>> e : byMinute.entrySet()) {
            aggregate(b, e.getKey(), e.getValue().values(), ctx, out);
        }
    }

    private Group group(TreeMap<Long, Map<SeriesRef, Group>> byMinute, long minute, String metric, long labelsHash) {
        return byMinute.computeIfAbsent(minute, m -> new LinkedHashMap<>())
                .computeIfAbsent(new SeriesRef(metric, labelsHash), r -> new Group(options.kllK()));
    }

    /** Adds one minute's groups to its state: one read and write per series, one of the minute's window. */
    private void aggregate(MetricBatch b, long minute, Iterable<Group> groups, Context ctx, Collector<MetricRow> out)
            throws Exception {
        migrateLegacy(minute, ctx.timerService());
        MetricWindow w = windows.get(minute);
        boolean created = w == null;
        if (created) {
            w = new MetricWindow();
            w.tenant = b.tenant;
            w.resourceUrn = b.resourceUrn;
        }
        List<MetricAccumulator> changed = new ArrayList<>();
        for (Group g : groups) {
            if (g.acc == null || g.acc.kind() == null) {
                continue; // every point of it was refused (and counted)
            }
            long points = g.acc.points();
            SeriesSlot slot = new SeriesSlot(minute, seriesHash(g.acc.metric, g.acc.labelsHash));
            MetricAccumulator a = series.get(slot);
            if (a == null) {
                if (!admit(w, minute, slot.seriesHash)) {
                    limitDropped.inc(points);
                    continue;
                }
                a = g.acc;
            } else if (!Objects.equals(a.metric, g.acc.metric) || a.labelsHash != g.acc.labelsHash) {
                ignored.inc(points); // a 64-bit collision of two series: the second is refused
                continue;
            } else {
                long before = a.points();
                a.merge(g.acc);
                if (a.points() == before) {
                    ignored.inc(points); // another kind than the series', or over its point limit
                    continue;
                }
            }
            series.put(slot, a);
            aggregated.inc(points);
            w.range.merge(g.acc.range);
            w.observeService(g.serviceUrn, g.serviceName, g.serviceNamespace);
            changed.add(a);
        }
        if (changed.isEmpty()) {
            return;
        }
        if (created) {
            windows.create(minute, w, ctx.timerService());
        } else {
            windows.update(minute, w);
        }
        if (w.fired) {
            // late but within the allowed lateness: the rows and the resource's USE are rewritten
            for (MetricAccumulator a : changed) {
                emitRow(w, minute, a, out);
            }
            List<MetricRow> forUse = new ArrayList<>();
            for (MetricAccumulator a : seriesOf(minute, true)) {
                forUse.add(w.row(a, minute));
            }
            emitUse(w, minute, forUse, ctx);
        }
    }

    /**
     * Admits a new series of {@code minute} under the cap: bottom-k by hash. Below the cap it only
     * counts; at the cap the minute's hashes are loaded once, and a smaller hash evicts the largest
     * (its points are dropped and counted) as long as the minute has not fired.
     */
    private boolean admit(MetricWindow w, long minute, long hash) throws Exception {
        int limit = options.maxSeriesPerResource();
        if (limit <= 0 || w.admitted < limit) {
            w.admitted++;
            return true;
        }
        if (w.capHashes == null) {
            List<Long> hashes = new ArrayList<>();
            for (SeriesSlot s : series.keys()) {
                if (s.minuteStartMillis == minute) {
                    hashes.add(s.seriesHash);
                }
            }
            w.capHashes = hashes.stream().mapToLong(Long::longValue).sorted().toArray();
            if (w.capHashes.length == 0) {
                return false;
            }
        }
        if (w.fired || hash >= w.capMax()) {
            return false;
        }
        SeriesSlot evicted = new SeriesSlot(minute, w.capMax());
        MetricAccumulator gone = series.get(evicted);
        series.remove(evicted);
        limitDropped.inc(gone == null ? 1 : gone.points());
        w.capReplaceMax(hash);
        return true;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricRow> out) throws Exception {
        migrateLegacy(windows.spec().firedAt(timestamp), ctx.timerService());
        migrateLegacy(windows.spec().purgedAt(timestamp), ctx.timerService());
        String key = ctx.getCurrentKey();
        windows.onTimer(timestamp, (start, w) -> {
            checkKey(key, w, start);
            List<MetricRow> forUse = new ArrayList<>();
            for (MetricAccumulator a : seriesOf(start, false)) {
                MetricRow r = emitRow(w, start, a, out);
                if (useMetrics.contains(r.metric)) {
                    forUse.add(r);
                }
            }
            emitUse(w, start, forUse, ctx);
        }, (start, w) -> {
            checkKey(key, w, start);
            List<SeriesSlot> gone = new ArrayList<>();
            for (SeriesSlot s : series.keys()) {
                if (s.minuteStartMillis == start) {
                    gone.add(s);
                }
            }
            for (SeriesSlot s : gone) {
                series.remove(s);
            }
        });
    }

    /**
     * Refuses a minute restored under a key its points no longer get (a 0.1.0 key of a tenant or
     * resource holding U+001F, U+0001 or null; see {@link MetricDeltaConverter#resourceKey}): its rows
     * and those of the minute the resource opens under its current key would overwrite each other.
     */
    private static void checkKey(String key, MetricWindow w, long start) {
        if (w.tenant == null && w.resourceUrn == null) {
            return; // nothing to check it against
        }
        String current = MetricDeltaConverter.resourceKey(w.tenant, w.resourceUrn);
        if (!current.equals(key)) {
            throw new IllegalStateException("incompatible restored state '" + WINDOWS + "'/'" + SERIES + "' of operator uid "
                    + "metric-minute-aggregator: the minute " + start + " of (tenant " + w.tenant + ", resource " + w.resourceUrn
                    + ") is stored under a key that is not its current key (a 0.1.0 key of a name holding U+001F, U+0001 or null); "
                    + "its rows would be overwritten. Restore without this state or replay the affected range");
        }
    }

    /**
     * Moves the minute {@code minute} of the whole-minute state of 0.1.0 ({@link MetricBucket}), if the
     * current key has one, into the per-series state and the minute's {@link MetricWindow}: its
     * series merge with any the minute already has here, its range, service and fired flag carry
     * over. Its timers (end of minute, end of lateness) are the ones {@link KeyedWindows} uses, so
     * they still fire. Dropping it would lose the minute's points from before the savepoint.
     */
    private void migrateLegacy(long minute, TimerService timers) throws Exception {
        MetricBucket b = legacyBuckets.get(minute);
        if (b == null) {
            return;
        }
        legacyBuckets.remove(minute);
        MetricWindow w = windows.get(minute);
        boolean created = w == null;
        if (created) {
            w = new MetricWindow();
            w.tenant = b.tenant;
            w.resourceUrn = b.resourceUrn;
        }
        w.fired |= b.fired;
        w.range.merge(b.range);
        w.observeService(b.serviceUrn, b.serviceName, b.serviceNamespace);
        for (MetricAccumulator a : b.series.values()) {
            SeriesSlot slot = new SeriesSlot(minute, seriesHash(a.metric, a.labelsHash));
            MetricAccumulator here = series.get(slot);
            if (here == null) {
                w.admitted++;
                series.put(slot, a);
            } else {
                here.merge(a);
                series.put(slot, here);
            }
        }
        w.capHashes = null; // reloaded from the series when next needed
        if (created) {
            windows.create(minute, w, timers);
        } else {
            windows.update(minute, w);
        }
    }

    /**
     * Takes every minute the current key holds out of this aggregator's state, as one batch of
     * partials (each series' accumulator of a minute, with the minute's service; a 0.1.0 bucket's
     * series with its own), when {@code elsewhere} says the batch's resource is aggregated by another
     * aggregator now; else leaves the state as it is and returns null. The key is left without state,
     * so its timers find nothing. For a restored key whose batches are routed elsewhere since: its
     * minutes then meet theirs there, and one row per series and minute is written, not two.
     */
    public MetricBatch takeAllIf(java.util.function.Predicate<MetricBatch> elsewhere) throws Exception {
        MetricBatch b = new MetricBatch();
        List<Long> minutes = new ArrayList<>();
        for (Map.Entry<Long, MetricWindow> e : windowState.entries()) {
            MetricWindow w = e.getValue();
            b.tenant = w.tenant;
            b.resourceUrn = w.resourceUrn;
            minutes.add(e.getKey());
        }
        List<Long> legacyMinutes = new ArrayList<>();
        for (Map.Entry<Long, MetricBucket> e : legacyBuckets.entries()) {
            b.tenant = e.getValue().tenant;
            b.resourceUrn = e.getValue().resourceUrn;
            legacyMinutes.add(e.getKey());
        }
        if (minutes.isEmpty() && legacyMinutes.isEmpty() || !elsewhere.test(b)) {
            return null;
        }
        List<SeriesSlot> slots = new ArrayList<>();
        for (Map.Entry<SeriesSlot, MetricAccumulator> e : series.entries()) {
            MetricWindow w = windowState.get(e.getKey().minuteStartMillis);
            MetricPartial q = new MetricPartial(e.getKey().minuteStartMillis, e.getValue());
            if (w != null) {
                q.observeService(w.serviceUrn, w.serviceName, w.serviceNamespace);
            }
            b.partials.add(q);
            slots.add(e.getKey());
        }
        for (long minute : legacyMinutes) {
            MetricBucket bucket = legacyBuckets.get(minute);
            for (MetricAccumulator a : bucket.series.values()) {
                MetricPartial q = new MetricPartial(minute, a);
                q.observeService(bucket.serviceUrn, bucket.serviceName, bucket.serviceNamespace);
                b.partials.add(q);
            }
        }
        for (SeriesSlot s : slots) {
            series.remove(s);
        }
        for (long minute : minutes) {
            windowState.remove(minute);
        }
        for (long minute : legacyMinutes) {
            legacyBuckets.remove(minute);
        }
        return b;
    }

    /** The series of a minute in row order (only those of USE metrics when {@code useOnly}). */
    private List<MetricAccumulator> seriesOf(long minute, boolean useOnly) throws Exception {
        List<MetricAccumulator> found = new ArrayList<>();
        for (Map.Entry<SeriesSlot, MetricAccumulator> e : series.entries()) {
            if (e.getKey().minuteStartMillis == minute) {
                MetricAccumulator a = e.getValue();
                if (!useOnly || useMetrics.contains(a.metric)) {
                    found.add(a);
                }
            }
        }
        found.sort(ROW_ORDER);
        return found;
    }

    private MetricRow emitRow(MetricWindow w, long start, MetricAccumulator a, Collector<MetricRow> out) {
        MetricRow r = w.row(a, start);
        rows.inc();
        out.collect(r);
        return r;
    }

    /** USE of the minute from the rows of the metrics the mapping uses (in row order). */
    private void emitUse(MetricWindow w, long start, List<MetricRow> all, Context ctx) {
        UseRow u = use.compute(w.tenant, w.resourceUrn, start, MetricOptions.WINDOW_MILLIS, all);
        if (u != null) {
            useRows.inc();
            ctx.output(USE_ROWS, u);
        }
    }

    /** A series within the batch being processed. */
    private static final class SeriesRef {
        final String metric;
        final long labelsHash;

        SeriesRef(String metric, long labelsHash) {
            this.metric = metric;
            this.labelsHash = labelsHash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SeriesRef && ((SeriesRef) o).labelsHash == labelsHash
                    && Objects.equals(((SeriesRef) o).metric, metric);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(labelsHash) * 31 + Objects.hashCode(metric);
        }
    }

    /** What a batch holds for one series and minute: one accumulator and the smallest service. */
    private static final class Group {
        final int kllK;
        MetricAccumulator acc;
        /** True while {@link #acc} is a partial's own accumulator, not yet copied. */
        boolean borrowed;
        String serviceUrn;
        String serviceName;
        String serviceNamespace;

        Group(int kllK) {
            this.kllK = kllK;
        }

        /** The accumulator to add points to, made this group's own first. */
        MetricAccumulator own() {
            if (acc == null) {
                acc = new MetricAccumulator(kllK);
            } else if (borrowed) {
                acc = acc.copy(); // field by field: a copy through the serialized form was 18% of this operator
                borrowed = false;
            }
            return acc;
        }

        void add(MetricAccumulator partial) {
            if (acc == null) {
                acc = partial; // the usual case: one partial per series and minute, taken as it is
                borrowed = true;
            } else {
                own().merge(partial);
            }
        }

        void observeService(String urn, String name, String namespace) {
            if (urn != null && (serviceUrn == null || urn.compareTo(serviceUrn) < 0)) {
                serviceUrn = urn;
                serviceName = name;
                serviceNamespace = namespace;
            }
        }

    }
}
