package org.otlpanalytics.operators.edges;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * Calls, errors and duration quantiles per directed edge (tenant, caller URN, callee URN) in
 * 5-minute event-time buckets aligned to the epoch: the rows of {@code service_call_5m}.
 *
 * <p>Input are {@link EdgePartial}s (the calls of one edge in one slot, from
 * {@link EdgePreAggregator}, which also sends calls later than the allowed lateness to the dead
 * letters). As {@code RedAggregator}: a bucket's row is emitted when the watermark passes its end;
 * partials arriving afterwards but within the allowed lateness update it and re-emit it (rows are
 * upserts); later ones go to {@link #LATE_PARTIALS} and are counted. The windows are
 * {@link KeyedWindows}, so lateness is judged against the operator's {@link WatermarkHorizon} and
 * a restore does not reopen a purged bucket: run it in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}.
 */
public class ServiceCallAggregator extends KeyedProcessFunction<String, EdgePartial, ServiceCallRow>
        implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    /** Partials late at this operator (only when a restore races the pre-aggregation's judgement; counted). */
    public static final OutputTag<EdgePartial> LATE_PARTIALS =
            new OutputTag<>("service-call-late-partials", EdgePartialSerializer.TYPE);
    static final String BUCKETS = "service-call-buckets";

    private final ServiceCallOptions options;
    private final MapStateDescriptor<Long, ServiceCallBucket> bucketsDescriptor;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<ServiceCallBucket> windows;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter rows;

    public ServiceCallAggregator(ServiceCallOptions options) {
        this.options = options;
        this.bucketsDescriptor = new MapStateDescriptor<>(BUCKETS, LongSerializer.INSTANCE, new ServiceCallBucketSerializer());
    }

    /** The key this operator expects: tenant, caller URN and callee URN, as {@code service_call_5m} keys rows. */
    public static String edgeKey(EdgePartial p) {
        return p.edgeKey();
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        MapState<Long, ServiceCallBucket> buckets = getRuntimeContext().getMapState(bucketsDescriptor);
        windows = new KeyedWindows<>(new EpochWindows(ServiceCallOptions.WINDOW_MILLIS, options.allowedLatenessMillis()),
                buckets, horizon);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(EdgePairerMetrics.AGGREGATOR_GROUP);
        aggregated = g.counter(EdgePairerMetrics.EDGES_AGGREGATED);
        late = g.counter(EdgePairerMetrics.PARTIALS_LATE_DROPPED);
        rows = g.counter(EdgePairerMetrics.ROWS_EMITTED);
    }

    @Override
    public void processElement(EdgePartial p, Context ctx, Collector<ServiceCallRow> out) throws Exception {
        long bucket = windows.assign(p.slotStartMillis, ctx.timerService());
        if (bucket == KeyedWindows.LATE) {
            late.inc();
            ctx.output(LATE_PARTIALS, p);
            return;
        }
        ServiceCallBucket b = windows.get(bucket);
        if (b == null) {
            b = ServiceCallBucket.of(p, bucket);
            b.calls.merge(p.calls);
            windows.create(bucket, b, ctx.timerService());
        } else {
            b.calls.merge(p.calls);
            windows.update(bucket, b);
        }
        aggregated.inc(p.calls.calls);
        if (b.fired) {
            // late but within the allowed lateness: the row is rewritten with the new totals
            out.collect(row(b));
            rows.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServiceCallRow> out) throws Exception {
        windows.onTimer(timestamp, (start, b) -> {
            out.collect(row(b));
            rows.inc();
        }, null);
    }

    /** The row of a bucket; quantiles come from KLL sketches built deterministically from the histograms. */
    ServiceCallRow row(ServiceCallBucket b) {
        EdgeCalls c = b.calls;
        ServiceCallRow r = new ServiceCallRow();
        r.bucketStartMillis = b.bucketStartMillis;
        r.tenant = b.tenant;
        r.callerUrn = b.callerUrn;
        r.callerName = b.callerName;
        r.callerVirtual = b.callerVirtual;
        r.calleeUrn = b.calleeUrn;
        r.calleeName = b.calleeName;
        r.calleeVirtual = b.calleeVirtual;
        r.connectionType = ConnectionType.labels(c.typeMask);
        r.calls = c.calls;
        r.errors = c.errors;
        r.rps = c.calls / (ServiceCallOptions.WINDOW_MILLIS / 1000.0);
        r.errRate = c.calls == 0 ? 0 : (double) c.errors / c.calls;
        DurationStats main = c.mainSide();
        r.durationSide = main == c.server ? ServiceCallRow.SIDE_SERVER : ServiceCallRow.SIDE_CLIENT;
        KllDoublesSketch kll = main.kll(options.kllK());
        r.p50Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.50);
        r.p95Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.95);
        r.p99Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.99);
        r.durationSumMs = main.sumMillis();
        r.kll = kll.toByteArray();
        r.durationIdx = main.histogram().sparseIndexes();
        r.durationCnt = main.histogram().sparseCounts();
        r.durationMinMs = main.histogram().min();
        r.durationMaxMs = main.histogram().max();
        r.serverIdx = c.server.histogram().sparseIndexes();
        r.serverCnt = c.server.histogram().sparseCounts();
        r.serverCalls = c.server.count();
        if (!c.server.isEmpty()) {
            KllDoublesSketch s = main == c.server ? kll : c.server.kll(options.kllK());
            r.serverP50Ms = s.getQuantile(0.50);
            r.serverP95Ms = s.getQuantile(0.95);
            r.serverKll = s.toByteArray();
            r.serverMinMs = c.server.histogram().min();
            r.serverMaxMs = c.server.histogram().max();
        }
        r.firstSeenMillis = c.firstMillis;
        r.lastSeenMillis = c.lastMillis;
        r.sampleTraceId = c.sampleTraceId();
        r.range = c.range.copy();
        return r;
    }
}
