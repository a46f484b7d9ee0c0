package org.otlpanalytics.operators.red;

import java.util.Map;
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
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * RED per service, operation, span kind and status in 1-minute event-time windows aligned to
 * the epoch. Keyed by (tenant, service) rather than by the full series key so that the
 * per-service cardinality cap ({@link RedBucket}) is enforced where all of a service's
 * operations meet, with a single shuffle of the spans.
 *
 * <p>Input are {@link RedPartial}s from {@link RedPreAggregator} (which also sends spans later than
 * the allowed lateness to {@link #LATE_SPANS}). A minute fires when the watermark passes its end;
 * partials arriving afterwards but within the allowed lateness update the row and re-emit it
 * (rows are upserts). Lateness is judged by {@link KeyedWindows} against the operator's
 * {@link WatermarkHorizon}, so it must run in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}.
 */
public class RedAggregator extends KeyedProcessFunction<String, RedPartial, RedRow> implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<SpanRecord> LATE_SPANS =
            new OutputTag<>("red-late-spans", TypeInformation.of(SpanRecord.class));
    /** Partials late at this operator (cannot happen while partials never overtake watermarks; counted). */
    public static final OutputTag<RedPartial> LATE_PARTIALS =
            new OutputTag<>("red-late-partials", TypeInformation.of(RedPartial.class));
    private static final String BUCKETS = "red-buckets";

    private final RedOptions options;
    private final MapStateDescriptor<Long, RedBucket> bucketsDescriptor;
    private transient MapState<Long, RedBucket> buckets;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<RedBucket> windows;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter folded;
    private transient Counter rows;

    public RedAggregator(RedOptions options) {
        this.options = options;
        this.bucketsDescriptor = new MapStateDescriptor<>(BUCKETS, LongSerializer.INSTANCE, new RedBucketSerializer());
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
        buckets = getRuntimeContext().getMapState(bucketsDescriptor);
        windows = new KeyedWindows<>(new EpochWindows(RedOptions.WINDOW_MILLIS, options.allowedLatenessMillis()), buckets, horizon);
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
        RedBucket b = windows.get(bucket);
        boolean created = b == null;
        if (created) {
            b = new RedBucket();
            b.bucketStartMillis = bucket;
            b.tenant = p.tenant;
            b.serviceName = p.serviceName;
            b.serviceNamespace = p.serviceNamespace;
            b.serviceUrn = p.serviceUrn;
        }
        Object[] st = p.readState();
        RedAccumulator partial = (RedAccumulator) st[0];
        long foldedBefore = b.foldedSpans;
        String op = b.admit(p.operation, options.cardinalityLimit(), options.hllLgK());
        RedAccumulator acc = b.accumulator(op, p.kind, p.status, options.hllLgK());
        acc.merge(partial);
        if (op == RedBucket.OVERFLOW_OPERATION) {
            b.foldedSpans += partial.calls;
        }
        folded.inc(b.foldedSpans - foldedBefore);
        b.range.merge((org.otlpanalytics.operators.common.KafkaRange) st[1]);
        aggregated.inc(partial.calls);
        if (created) {
            windows.create(bucket, b, ctx.timerService());
        } else {
            windows.update(bucket, b);
        }
        if (b.fired) {
            // late but within the allowed lateness: the row is rewritten with the new totals
            emit(b, new RedBucket.SeriesKey(op, p.kind, p.status), acc, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RedRow> out) throws Exception {
        windows.onTimer(timestamp, (start, b) -> {
            for (Map.Entry<RedBucket.SeriesKey, RedAccumulator> e : b.series.entrySet()) {
                emit(b, e.getKey(), e.getValue(), out);
            }
        }, null);
    }

    private void emit(RedBucket b, RedBucket.SeriesKey k, RedAccumulator a, Collector<RedRow> out) {
        RedRow r = new RedRow();
        r.bucketStartMillis = b.bucketStartMillis;
        r.tenant = b.tenant;
        r.serviceName = b.serviceName;
        r.serviceNamespace = b.serviceNamespace;
        r.serviceUrn = b.serviceUrn;
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
        r.range = b.range.copy();
        rows.inc();
        out.collect(r);
    }
}
