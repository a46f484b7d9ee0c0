package org.otlpanalytics.operators.red;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.operators.sketch.HllRegisters;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * RED per service, operation, span kind and status in 1-minute event-time windows aligned to
 * the epoch. Keyed by (tenant, service) rather than by the full series key so that the
 * per-service cardinality cap ({@link AdmittedOperations}) is enforced where all of a service's
 * operations meet, with a single shuffle.
 *
 * <p>Input are {@link RedPartial}s from {@link RedPreAggregator} (which also sends spans later than
 * the allowed lateness to {@link #LATE_SPANS}). A minute fires when the watermark passes its end;
 * partials arriving afterwards but within the allowed lateness update the row and re-emit it
 * (rows are upserts). Lateness is judged by {@link KeyedWindows} against the operator's
 * {@link WatermarkHorizon}, so it must run in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}.
 *
 * <p><b>State layout.</b> Per service and minute a small {@link RedWindow} (labels, fired flag,
 * Kafka range), the admitted operation hashes, and one {@link RedAccumulator} per series in a
 * map keyed by {@link RedSeriesKey}: a partial reads and writes its window and its own series
 * only, so on RocksDB its cost does not grow with the number of operations of the service.
 */
public class RedAggregator extends KeyedProcessFunction<String, RedPartial, RedRow> implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    /** The operation name of the row that counts the operations folded by the cardinality cap. */
    public static final String OVERFLOW_OPERATION = "__overflow__";
    public static final OutputTag<SpanRecord> LATE_SPANS =
            new OutputTag<>("red-late-spans", TypeInformation.of(SpanRecord.class));
    /** The values of the span dimensions per service and minute ({@code span_attr_1m}), emitted with the minute's rows. */
    public static final OutputTag<SpanAttrRow> SPAN_ATTRS =
            new OutputTag<>("red-span-attributes", TypeInformation.of(SpanAttrRow.class));
    /** Partials later than the allowed lateness at this operator (counted, dead-lettered). */
    public static final OutputTag<RedPartial> LATE_PARTIALS =
            new OutputTag<>("red-late-partials", TypeInformation.of(RedPartial.class));
    // state names: never change, savepoints depend on them
    static final String WINDOWS = "red-windows";
    static final String SERIES = "red-series";
    static final String ADMITTED = "red-admitted-operations";

    private final RedOptions options;
    private final MapStateDescriptor<Long, RedWindow> windowsDescriptor;
    private final MapStateDescriptor<RedSeriesKey, RedAccumulator> seriesDescriptor;
    private final MapStateDescriptor<Long, long[]> admittedDescriptor;
    private transient MapState<RedSeriesKey, RedAccumulator> series;
    private transient MapState<Long, long[]> admitted;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<RedWindow> windows;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter folded;
    private transient Counter rows;

    public RedAggregator(RedOptions options) {
        this.options = options;
        this.windowsDescriptor = new MapStateDescriptor<>(WINDOWS, LongSerializer.INSTANCE, new RedWindowSerializer());
        this.seriesDescriptor = new MapStateDescriptor<>(SERIES, new RedSeriesKey.Serializer(), new RedAccumulatorSerializer());
        this.admittedDescriptor = new MapStateDescriptor<>(ADMITTED, LongSerializer.INSTANCE, LongPrimitiveArraySerializer.INSTANCE);
    }

    /** The key this operator expects: one per tenant and service. */
    public static String serviceKey(RedPartial p) {
        return p.serviceKey();
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new KeyedWindows<>(new EpochWindows(RedOptions.WINDOW_MILLIS, options.allowedLatenessMillis()),
                getRuntimeContext().getMapState(windowsDescriptor), horizon);
        series = getRuntimeContext().getMapState(seriesDescriptor);
        admitted = getRuntimeContext().getMapState(admittedDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(RedMetrics.GROUP);
        aggregated = g.counter(RedMetrics.SPANS_MERGED);
        late = g.counter(RedMetrics.PARTIALS_LATE_DROPPED);
        folded = g.counter(RedMetrics.SPANS_FOLDED);
        rows = g.counter(RedMetrics.ROWS_EMITTED);
    }

    @Override
    public void processElement(RedPartial p, Context ctx, Collector<RedRow> out) throws Exception {
        long bucket = windows.assign(p.bucketStartMillis, ctx.timerService());
        if (bucket == KeyedWindows.LATE) {
            late.inc();
            ctx.output(LATE_PARTIALS, p);
            return;
        }
        RedWindow w = windows.get(bucket);
        boolean created = w == null;
        if (created) {
            w = RedWindow.of(p);
        }
        Object[] st = p.readState();
        RedAccumulator partial = (RedAccumulator) st[0];
        RedSeriesKey key = new RedSeriesKey(bucket, p.operation, p.kind, p.status);
        RedAccumulator acc = series.get(key);
        if (acc == null) {
            String op = admit(bucket, w, p.operation);
            if (!op.equals(p.operation)) {
                key = new RedSeriesKey(bucket, op, p.kind, p.status);
                acc = series.get(key);
                w.foldedSpans += partial.calls;
                folded.inc(partial.calls);
            }
            if (acc == null) {
                acc = new RedAccumulator(options.hllLgK());
            }
        }
        acc.merge(partial, options.topkMaxValues());
        series.put(key, acc);
        w.range.merge((KafkaRange) st[1]);
        aggregated.inc(partial.calls);
        if (created) {
            windows.create(bucket, w, ctx.timerService());
        } else {
            windows.update(bucket, w);
        }
        if (w.fired) {
            // late but within the allowed lateness: the row is rewritten with the new totals
            emit(w, key, acc, out);
            if (partial.dims != null) {
                emitDimensions(w, bucket, ctx);
            }
        }
    }

    /**
     * The operation under which a new series of {@code operation} is counted: itself when the cap
     * admits it (possibly evicting the admitted operation with the largest hash into overflow),
     * else {@link #OVERFLOW_OPERATION}.
     */
    private String admit(long bucket, RedWindow w, String operation) throws Exception {
        int limit = options.cardinalityLimit();
        if (limit <= 0 || OVERFLOW_OPERATION.equals(operation)) {
            return operation;
        }
        long[] kept = admitted.get(bucket);
        AdmittedOperations.Admission a = AdmittedOperations.admit(kept == null ? AdmittedOperations.NONE : kept,
                StableHash.of(operation), limit, !w.fired);
        if (a.hashes != kept) {
            admitted.put(bucket, a.hashes);
        }
        if (a.evicted) {
            foldIntoOverflow(bucket, w, a.evictedHash);
        }
        return a.admitted ? operation : OVERFLOW_OPERATION;
    }

    /** Moves the series of the evicted operation into the overflow rows (rare: only while a minute fills past the cap). */
    private void foldIntoOverflow(long bucket, RedWindow w, long evictedHash) throws Exception {
        List<Map.Entry<RedSeriesKey, RedAccumulator>> moved = new ArrayList<>();
        for (Map.Entry<RedSeriesKey, RedAccumulator> e : series.entries()) {
            RedSeriesKey k = e.getKey();
            if (k.bucketStartMillis == bucket && !OVERFLOW_OPERATION.equals(k.operation) && StableHash.of(k.operation) == evictedHash) {
                moved.add(Map.entry(k, e.getValue()));
            }
        }
        for (Map.Entry<RedSeriesKey, RedAccumulator> e : moved) {
            series.remove(e.getKey());
            RedSeriesKey ok = new RedSeriesKey(bucket, OVERFLOW_OPERATION, e.getKey().kind, e.getKey().status);
            RedAccumulator o = series.get(ok);
            if (o == null) {
                o = new RedAccumulator(options.hllLgK());
            }
            o.merge(e.getValue(), options.topkMaxValues());
            series.put(ok, o);
            w.foldedSpans += e.getValue().calls;
            folded.inc(e.getValue().calls);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RedRow> out) throws Exception {
        windows.onTimer(timestamp, (start, w) -> {
            DimensionCounts[] dims = new DimensionCounts[options.dimensions().size()];
            for (Map.Entry<RedSeriesKey, RedAccumulator> e : series.entries()) {
                if (e.getKey().bucketStartMillis == start) {
                    emit(w, e.getKey(), e.getValue(), out);
                    mergeDimensions(dims, e.getValue());
                }
            }
            emitDimensions(w, start, dims, ctx);
        }, (start, w) -> {
            Iterator<Map.Entry<RedSeriesKey, RedAccumulator>> it = series.iterator();
            while (it.hasNext()) {
                if (it.next().getKey().bucketStartMillis == start) {
                    it.remove();
                }
            }
            admitted.remove(start); // remove() leaves no emptied map behind, on either backend
            // but the heap keeps a map emptied through its iterator as an entry of the key; clear() drops it
            if (series.isEmpty()) {
                series.clear();
            }
        });
    }

    /** Re-emits the dimension rows of a minute after a late partial changed them. */
    private void emitDimensions(RedWindow w, long bucket, Context ctx) throws Exception {
        DimensionCounts[] dims = new DimensionCounts[options.dimensions().size()];
        for (Map.Entry<RedSeriesKey, RedAccumulator> e : series.entries()) {
            if (e.getKey().bucketStartMillis == bucket) {
                mergeDimensions(dims, e.getValue());
            }
        }
        emitDimensions(w, bucket, dims, ctx);
    }

    private void mergeDimensions(DimensionCounts[] into, RedAccumulator a) {
        for (int i = 0; i < into.length; i++) {
            DimensionCounts d = a.dimension(i);
            if (d != null) {
                if (into[i] == null) {
                    into[i] = new DimensionCounts(options.hllLgK());
                }
                into[i].merge(d, options.topkMaxValues());
            }
        }
    }

    private void emitDimensions(RedWindow w, long bucket, DimensionCounts[] dims, KeyedProcessFunction<String, RedPartial, RedRow>.Context ctx) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != null) {
                ctx.output(SPAN_ATTRS, SpanAttrRows.row(w, bucket, options.dimensions().name(i), dims[i], options.topkItems()));
            }
        }
    }

    private void emit(RedWindow w, RedSeriesKey k, RedAccumulator a, Collector<RedRow> out) {
        RedRow r = new RedRow();
        r.bucketStartMillis = k.bucketStartMillis;
        r.tenant = w.tenant;
        r.serviceName = w.serviceName;
        r.serviceNamespace = w.serviceNamespace;
        r.serviceUrn = w.serviceUrn;
        r.operation = k.operation;
        r.spanKind = SpanRecord.kindName(k.kind);
        r.status = SpanRecord.statusName(k.status);
        r.calls = a.calls;
        r.errors = a.errors;
        r.durationSumMs = a.durationSumMs();
        KllDoublesSketch kll = a.kll(options.kllK());
        r.p50Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.50);
        r.p95Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.95);
        r.p99Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.99);
        r.distinctTraces = a.distinctTraces();
        r.kll = kll.toByteArray();
        r.hll = a.hllBytes();
        LogHistogram h = a.durations();
        r.durationMinMs = h.min();
        r.durationMaxMs = h.max();
        r.durationIdx = h.sparseIndexes();
        r.durationCnt = h.sparseCounts();
        r.traceRegisters = HllRegisters.dense(r.hll);
        r.range = w.range.copy();
        rows.inc();
        out.collect(r);
    }
}
