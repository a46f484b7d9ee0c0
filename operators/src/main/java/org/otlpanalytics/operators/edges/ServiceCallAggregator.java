package org.otlpanalytics.operators.edges;

import org.apache.datasketches.kll.KllDoublesSketch;
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

/**
 * Calls, errors and duration quantiles per directed edge (tenant, caller URN, callee URN) in
 * 5-minute event-time buckets aligned to the epoch: the rows of {@code service_call_5m}.
 *
 * <p>As {@code RedAggregator}: a bucket's row is emitted when the watermark passes its end;
 * edges arriving afterwards but within the allowed lateness update it and re-emit it (rows are
 * upserts); edges later than that go to {@link #LATE_EDGES} and are counted. An edge's time is
 * its call's start ({@link Edge#eventTimeMillis()}), so a call lands in the same bucket whether
 * it was paired at once or named after its half expired.
 */
public class ServiceCallAggregator extends KeyedProcessFunction<String, Edge, ServiceCallRow> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Edge> LATE_EDGES = new OutputTag<>("service-call-late-edges", TypeInformation.of(Edge.class));
    static final String BUCKETS = "service-call-buckets";

    private final ServiceCallOptions options;
    private final MapStateDescriptor<Long, ServiceCallBucket> bucketsDescriptor;
    private transient MapState<Long, ServiceCallBucket> buckets;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter rows;

    public ServiceCallAggregator(ServiceCallOptions options) {
        this.options = options;
        this.bucketsDescriptor = new MapStateDescriptor<>(BUCKETS, LongSerializer.INSTANCE, new ServiceCallBucketSerializer());
    }

    /** The key this operator expects: tenant, caller URN and callee URN, as {@code service_call_5m} keys rows. */
    public static String edgeKey(Edge e) {
        return e.tenant + '\u0000' + e.callerUrn + '\u0000' + e.calleeUrn;
    }

    @Override
    public void open(OpenContext openContext) {
        buckets = getRuntimeContext().getMapState(bucketsDescriptor);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(EdgePairerMetrics.AGGREGATOR_GROUP);
        aggregated = g.counter(EdgePairerMetrics.EDGES_AGGREGATED);
        late = g.counter(EdgePairerMetrics.EDGES_LATE_DROPPED);
        rows = g.counter(EdgePairerMetrics.ROWS_EMITTED);
    }

    @Override
    public void processElement(Edge edge, Context ctx, Collector<ServiceCallRow> out) throws Exception {
        long bucket = Math.floorDiv(edge.eventTimeMillis(), ServiceCallOptions.WINDOW_MILLIS) * ServiceCallOptions.WINDOW_MILLIS;
        long windowMax = bucket + ServiceCallOptions.WINDOW_MILLIS - 1;
        if (windowMax + options.allowedLatenessMillis() <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE_EDGES, edge);
            return;
        }
        ServiceCallBucket b = buckets.get(bucket);
        if (b == null) {
            b = ServiceCallBucket.of(edge, bucket);
            ctx.timerService().registerEventTimeTimer(windowMax);
            ctx.timerService().registerEventTimeTimer(windowMax + options.allowedLatenessMillis());
        }
        b.add(edge);
        aggregated.inc();
        buckets.put(bucket, b);
        if (b.fired) {
            // late but within the allowed lateness: the row is rewritten with the new totals
            out.collect(row(b));
            rows.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServiceCallRow> out) throws Exception {
        long fireBucket = timestamp + 1 - ServiceCallOptions.WINDOW_MILLIS;
        ServiceCallBucket b = buckets.get(fireBucket);
        if (b != null && !b.fired) {
            b.fired = true;
            buckets.put(fireBucket, b);
            out.collect(row(b));
            rows.inc();
        }
        long cleanupBucket = fireBucket - options.allowedLatenessMillis();
        ServiceCallBucket c = buckets.get(cleanupBucket);
        if (c != null && c.fired) {
            buckets.remove(cleanupBucket);
        }
        if (buckets.isEmpty()) {
            buckets.clear();
        }
    }

    /** The row of a bucket; quantiles come from KLL sketches built deterministically from the histograms. */
    ServiceCallRow row(ServiceCallBucket b) {
        ServiceCallRow r = new ServiceCallRow();
        r.bucketStartMillis = b.bucketStartMillis;
        r.tenant = b.tenant;
        r.callerUrn = b.callerUrn;
        r.callerName = b.callerName;
        r.callerVirtual = b.callerVirtual;
        r.calleeUrn = b.calleeUrn;
        r.calleeName = b.calleeName;
        r.calleeVirtual = b.calleeVirtual;
        r.connectionType = ConnectionType.labels(b.typeMask);
        r.calls = b.calls;
        r.errors = b.errors;
        r.rps = b.calls / (ServiceCallOptions.WINDOW_MILLIS / 1000.0);
        r.errRate = b.calls == 0 ? 0 : (double) b.errors / b.calls;
        DurationStats main = b.client.isEmpty() ? b.server : b.client;
        r.durationSide = b.client.isEmpty() ? ServiceCallRow.SIDE_SERVER : ServiceCallRow.SIDE_CLIENT;
        KllDoublesSketch kll = main.kll(options.kllK());
        r.p50Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.50);
        r.p95Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.95);
        r.p99Ms = kll.isEmpty() ? 0 : kll.getQuantile(0.99);
        r.durationSumMs = main.sumMillis();
        r.kll = kll.toByteArray();
        r.serverCalls = b.server.count();
        if (!b.server.isEmpty()) {
            KllDoublesSketch s = main == b.server ? kll : b.server.kll(options.kllK());
            r.serverP50Ms = s.getQuantile(0.50);
            r.serverP95Ms = s.getQuantile(0.95);
            r.serverKll = s.toByteArray();
        }
        r.firstSeenMillis = b.firstSeenMillis;
        r.lastSeenMillis = b.lastSeenMillis;
        r.sampleTraceId = b.sampleTraceId();
        r.range = b.range.copy();
        return r;
    }
}
