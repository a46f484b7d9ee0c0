package org.otlpanalytics.jobs.limits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.EdgePartialSerializer;
import org.otlpanalytics.operators.limits.CardinalityLimiter;
import org.otlpanalytics.operators.limits.EdgeLimitSubjects;
import org.otlpanalytics.operators.limits.LimitSubject;
import org.otlpanalytics.operators.limits.LogLimitSubjects;
import org.otlpanalytics.operators.limits.MetricLimitSubjects;
import org.otlpanalytics.operators.limits.RedLimitSubjects;
import org.otlpanalytics.operators.limits.RestoredLimiterDrain;
import org.otlpanalytics.operators.limits.LimitSubjects;
import org.otlpanalytics.operators.limits.RestoredTenantLimitDrain;
import org.otlpanalytics.operators.limits.TenantAdmission;
import org.otlpanalytics.operators.limits.TenantDecision;
import org.otlpanalytics.operators.limits.TenantMark;
import org.otlpanalytics.operators.limits.TenantMarker;
import org.otlpanalytics.operators.limits.LimitedLogRouter;
import org.otlpanalytics.operators.limits.TenantRecordLimiter;
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.ServiceKeySelector;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;
import org.otlpanalytics.operators.metrics.MetricOptions;
import org.otlpanalytics.operators.red.RedOptions;
import org.otlpanalytics.operators.red.RedPartial;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Wires the tenant, resource and series limits into a pipeline's stream of partials, between its
 * pre-aggregation and its aggregation: tenants first (one scope for the job), then resources per
 * tenant, then series per tenant (the log records' and the metric batches' tenant and resource limits decided together, on marks). Each limit is a {@link CardinalityLimiter} with its own uid and
 * metric group. Each pipeline decides on its own keys: a tenant may have up to the limit's
 * resources in each pipeline.
 */
public final class Limiters {
    /** Metric groups, one per limit and pipeline. */
    public static final String RED_TENANTS = "redTenantLimiter";
    public static final String RED_RESOURCES = "redResourceLimiter";
    public static final String EDGE_TENANTS = "edgeTenantLimiter";
    public static final String EDGE_CALLERS = "edgeCallerLimiter";
    public static final String EDGE_CALLEES = "edgeCalleeLimiter";
    public static final String RED_SERIES = "redSeriesLimiter";
    public static final String EDGE_SERIES = "edgeSeriesLimiter";
    public static final String LOG_TENANTS = "logTenantLimiter";
    public static final String LOG_RESOURCES = "logResourceLimiter";
    public static final String LOG_PATTERNS = "logPatternLimiter";
    public static final String METRIC_TENANTS = "metricTenantLimiter";
    public static final String METRIC_RESOURCES = "metricResourceLimiter";
    public static final String METRIC_SERIES = "metricSeriesLimiter";
    /** The groups of the drains that emit what a savepoint of the metrics' former two-limiter layout held. */
    public static final String METRIC_TENANTS_RESTORED = "metricTenantLimiterRestored";
    public static final String METRIC_RESOURCES_RESTORED = "metricResourceLimiterRestored";

    private Limiters() {}

    /** RED partials (1-minute buckets) through the tenant, service and series limits. */
    public static DataStream<RedPartial> red(DataStream<RedPartial> partials, LimitOptions o, long allowedLatenessMillis) {
        TypeInformation<RedPartial> type = TypeInformation.of(RedPartial.class);
        // the held partials one state entry each: a tenant holds every partial of its minute, and a list
        // rewritten whole on each append cost, on RocksDB, the square of that (a savepoint's lists are still read)
        DataStream<RedPartial> t = limitRecords(partials, RedLimitSubjects.tenants(), type, o.maxTenants(),
                RedOptions.WINDOW_MILLIS, allowedLatenessMillis, "red-tenant-limit", RED_TENANTS);
        DataStream<RedPartial> r = limitRecords(t, RedLimitSubjects.resources(), type, o.maxResourcesPerTenant(),
                RedOptions.WINDOW_MILLIS, allowedLatenessMillis, "red-resource-limit", RED_RESOURCES);
        return limitRecords(r, RedLimitSubjects.series(), type, o.maxSeriesPerTenant(), RedOptions.WINDOW_MILLIS,
                allowedLatenessMillis, "red-series-limit", RED_SERIES);
    }

    /** Service-call partials ({@code slotMillis} slots) through the tenant, caller, callee and edge limits. */
    public static DataStream<EdgePartial> edges(DataStream<EdgePartial> partials, LimitOptions o, long slotMillis,
            long allowedLatenessMillis) {
        TypeInformation<EdgePartial> type = EdgePartialSerializer.TYPE;
        DataStream<EdgePartial> t = limitRecords(partials, EdgeLimitSubjects.tenants(), type, o.maxTenants(), slotMillis,
                allowedLatenessMillis, "edge-tenant-limit", EDGE_TENANTS);
        DataStream<EdgePartial> c = limitRecords(t, EdgeLimitSubjects.callers(), type, o.maxResourcesPerTenant(), slotMillis,
                allowedLatenessMillis, "edge-caller-limit", EDGE_CALLERS);
        DataStream<EdgePartial> d = limitRecords(c, EdgeLimitSubjects.callees(), type, o.maxResourcesPerTenant(), slotMillis,
                allowedLatenessMillis, "edge-callee-limit", EDGE_CALLEES);
        return limitRecords(d, EdgeLimitSubjects.edges(), type, o.maxSeriesPerTenant(), slotMillis, allowedLatenessMillis,
                "edge-series-limit", EDGE_SERIES);
    }

    /**
     * Log records through the tenant and service limits, per minute, before the fingerprinter,
     * decided in one place and applied where the records are. A {@link TenantMarker} chained behind
     * the records' source sends a small mark per tenant and minute (and per service among the
     * tenant's smallest hashes) to {@link TenantAdmission} (one subtask, uid {@code log-tenant-admission}),
     * which decides each minute's tenants and services bottom-k and broadcasts the decision before
     * the watermark that closes the minute; {@link TenantRecordLimiter} (uid {@code log-tenant-records})
     * holds the records keyed by the fingerprinter's key ({@link LogFingerprinter#serviceKey}: tenant
     * and service) on every subtask and applies the decision at the minute's end, so a kept record
     * leaves it on the subtask that mines its stream ({@link LimitedLogRouter}: the fingerprinter is
     * chained behind, no second shuffle). The watermark goes on only at minute ends, so the held
     * records reach the fingerprinter before any watermark inside their minute. Their lateness runs
     * to the end of their 5-minute window's, so a record the fingerprinter still counts is never
     * folded for being late here.
     *
     * <p>The uids of the former one-subtask layout stay on drains fed only the marks' watermarks
     * ({@link RestoredTenantLimitDrain} {@code log-tenant-limit}, {@link RestoredLimiterDrain}
     * {@code log-resource-limit}): a savepoint of that layout restores, and the records it held come
     * out at their minute's end, decided as it decided them, and go through the limit once more
     * (marked by a marker of their own, uid {@code log-tenant-marks-restored}), which keeps what was
     * kept, so that they reach their stream's fingerprinter like any record.
     */
    public static DataStream<LogRecordFlat> logRecords(DataStream<LogRecordFlat> records, LimitOptions o,
            long allowedLatenessMillis) {
        TypeInformation<LogRecordFlat> type = records.getType();
        long slot = LogLimitSubjects.RECORD_SLOT_MILLIS;
        long lateness = allowedLatenessMillis + LogPatternOptions.WINDOW_MILLIS - slot;
        LimitSubject<LogRecordFlat> tenants = LogLimitSubjects.tenants();
        LimitSubject<LogRecordFlat> resources = LogLimitSubjects.resources();
        SingleOutputStreamOperator<LogRecordFlat> marked = records
                .process(new TenantMarker<>(tenants, resources, o.maxResourcesPerTenant(), slot, lateness)).returns(type)
                .name("log-tenant-marks").uid("log-tenant-marks");
        // the former layout's uids: drains that emit what a savepoint of it held, fed the marks' watermarks only
        DataStream<LogRecordFlat> watermarks = marked.getSideOutput(TenantMarker.MARKS)
                .flatMap((TenantMark m, Collector<LogRecordFlat> out) -> { }).returns(type)
                .name("log-tenant-limit-watermarks").uid("log-tenant-limit-watermarks").setParallelism(1);
        DataStream<LogRecordFlat> restored = byScope(watermarks, tenants)
                .transform("log-tenant-limit-drain", type, new SlotWatermarkKeyedProcessOperator<>(
                        new RestoredTenantLimitDrain<>(tenants, resources, type, o.maxTenants(), o.maxResourcesPerTenant(),
                                slot, lateness, LOG_TENANTS, LOG_RESOURCES), slot))
                .uid("log-tenant-limit");
        SingleOutputStreamOperator<LogRecordFlat> drained = alreadyByScope(restored, tenants)
                .transform("log-resource-limit-drain", type, new SlotWatermarkKeyedProcessOperator<>(
                        new RestoredLimiterDrain<>(resources, type, o.maxResourcesPerTenant(), slot, lateness, LOG_RESOURCES,
                                CardinalityLimiter.Held.RECORDS), slot))
                .uid("log-resource-limit")
                .process(new TenantMarker<>(tenants, resources, o.maxResourcesPerTenant(), slot, lateness)).returns(type)
                .name("log-tenant-marks-restored").uid("log-tenant-marks-restored");
        SingleOutputStreamOperator<TenantDecision> decisions = marked.getSideOutput(TenantMarker.MARKS)
                .union(drained.getSideOutput(TenantMarker.MARKS))
                .keyBy(m -> LimitSubjects.ALL_TENANTS, Types.STRING)
                .transform("log-tenant-admission", TenantDecision.TYPE, new HorizonKeyedProcessOperator<>(
                        new TenantAdmission(o.maxTenants(), o.maxResourcesPerTenant(), slot, lateness, LOG_TENANTS, LOG_RESOURCES)))
                .uid("log-tenant-admission").setParallelism(1);
        return marked.union(drained)
                .keyBy(new ServiceKeySelector(), Types.STRING)
                .connect(decisions.broadcast())
                .transform("log-tenant-resource-limit", type, new TenantRecordLimiter<>(tenants, resources, type, o.maxTenants(),
                        o.maxResourcesPerTenant(), slot, lateness, LOG_TENANTS, LOG_RESOURCES)
                        // the fingerprinter chained behind mines a minute's seconds as the watermark passes them: a second at a time
                        .watermarkSteps(LogPatternOptions.ORDER_BUCKET_MILLIS))
                .uid("log-tenant-records");
    }

    /**
     * The fingerprinter's partials through the pattern limit, per tenant and 5-minute window. The
     * partials held for a window are summed per pattern as they come
     * ({@link CardinalityLimiter.Held#MERGED}, {@link LogPatternPartial#sum}): one state value per
     * pattern and window, rewritten in place, and one partial per pattern and window to the 5-minute
     * counts, which only add them up.
     */
    public static DataStream<LogPatternPartial> logPatterns(DataStream<LogPatternPartial> partials, LimitOptions o,
            long allowedLatenessMillis) {
        LimitSubject<LogPatternPartial> subject = LogLimitSubjects.patterns();
        TypeInformation<LogPatternPartial> type = partials.getType();
        return byScope(partials, subject)
                .transform("log-pattern-limit", type, new HorizonKeyedProcessOperator<>(new CardinalityLimiter<>(subject, type,
                        o.maxSeriesPerTenant(), LogLimitSubjects.patternSlotMillis(), allowedLatenessMillis, LOG_PATTERNS,
                        LogPatternPartial::sum)))
                .uid("log-pattern-limit");
    }

    /**
     * {@code in} keyed by a limit's scope. Generic on purpose: javac deserializes two method references
     * {@code subject::scope} of one class on differently typed subjects as the same lambda (with the
     * first one's cast), so typed ones in two methods here break the second pipeline.
     */
    private static <P> KeyedStream<P, String> byScope(DataStream<P> in, LimitSubject<P> subject) {
        return in.keyBy(subject::scope, Types.STRING);
    }

    /** {@code in}, already partitioned by a limit's scope, as a keyed stream without another shuffle. */
    private static <P> KeyedStream<P, String> alreadyByScope(DataStream<P> in, LimitSubject<P> subject) {
        return DataStreamUtils.reinterpretAsKeyedStream(in, subject::scope, Types.STRING);
    }

    /** Whether any metrics limit is on (else the metrics pipeline is wired without them). */
    public static boolean limitsMetrics(LimitOptions o) {
        return o.maxTenants() > 0 || o.maxResourcesPerTenant() > 0 || o.maxMetricSeriesPerTenant() > 0;
    }

    /**
     * Metric batches of one minute each ({@code MetricMinuteSplitter}, after the cumulative-to-delta
     * conversion: folding cumulative series before it would corrupt their deltas) through the
     * tenant and resource limits per minute, decided on marks as the log records' are
     * ({@link #logRecords}): a {@link TenantMarker} chained behind the splitter sends a small mark per
     * tenant and minute (and per resource among the tenant's smallest hashes) to one
     * {@link TenantAdmission} (uid {@code metric-tenant-admission}, parallelism 1), whose decisions are
     * broadcast to a {@link TenantRecordLimiter} (uid {@code metric-tenant-records}) that holds the
     * batches keyed by {@link MetricBatch#resourceKey}, the converter's key, so the batches reach it
     * without a shuffle (a forward edge: {@code minutes} must be partitioned by that key, as the
     * converter's chain is) and releases a resource's batches of a minute as one ({@link MetricBatch#combine}:
     * one record per resource and minute to the aggregator). The same tenants and resources are kept and folded as by the two
     * {@link CardinalityLimiter}s in a row before (tenants in one scope, one subtask holding every
     * batch, then resources per tenant), with the same counters, late batches within the lateness
     * included ({@link TenantAdmission#lateServiceSetsBottomK}). Then the series limit (off by
     * default), one record per series. Without the series limit each batch leaves the limiter on
     * the subtask of its key as held, so a kept resource's batches may be aggregated in the limiter's
     * task ({@code LimitedMetricRouter}); a folded batch has a new resource, and with the series limit
     * the result is not keyed by resource: key those again by {@link MetricBatch#resourceKey}. Lateness is judged before,
     * by the splitter; a batch late here (never, see the splitter) passes unfolded, so the aggregator
     * dead-letters it under its own key.
     *
     * <p>The uids of the former layout stay on drains fed only the marks' watermarks: a savepoint
     * of it restores, and the batches it held come out at their minute's end, decided as it decided
     * them ({@link RestoredLimiterDrain} {@code metric-tenant-limit}, then {@code metric-resource-limit},
     * a {@link CardinalityLimiter} that sees only those batches; their counters are in their own
     * groups, {@link #METRIC_TENANTS_RESTORED}, {@link #METRIC_RESOURCES_RESTORED}), and go through
     * the limit once more, as the log records' do: keyed by {@link MetricBatch#resourceKey} by a step of
     * their own (uid {@code metric-restored-rekeyed}, so that the limiter's forward input holds them
     * on their key's subtask too) and marked by a marker of their own (uid {@code metric-tenant-marks-restored}),
     * which keeps what was kept. So they meet the batches of the same resource and minute read after
     * the restore in one aggregator, wherever it is.
     */
    public static DataStream<MetricBatch> metrics(DataStream<MetricBatch> minutes, LimitOptions o, long allowedLatenessMillis) {
        TypeInformation<MetricBatch> type = MetricBatchSerializer.TYPE;
        long slot = MetricOptions.WINDOW_MILLIS;
        LimitSubject<MetricBatch> tenants = MetricLimitSubjects.tenants();
        LimitSubject<MetricBatch> resources = MetricLimitSubjects.resources();
        SingleOutputStreamOperator<MetricBatch> marked = minutes
                .process(new TenantMarker<>(tenants, resources, o.maxResourcesPerTenant(), slot, allowedLatenessMillis))
                .returns(type).name("metric-tenant-marks").uid("metric-tenant-marks");
        // the former layout's uids: drains that emit what a savepoint of it held, fed the marks' watermarks only
        DataStream<MetricBatch> watermarks = marked.getSideOutput(TenantMarker.MARKS)
                .flatMap((TenantMark m, Collector<MetricBatch> out) -> { }).returns(type)
                .name("metric-tenant-limit-watermarks").uid("metric-tenant-limit-watermarks").setParallelism(1);
        DataStream<MetricBatch> restoredTenants = limit(watermarks, new RestoredLimiterDrain<>(tenants, type, o.maxTenants(), slot,
                allowedLatenessMillis, METRIC_TENANTS_RESTORED, CardinalityLimiter.Held.RECORDS).passLateUnfolded(),
                tenants, type, "metric-tenant-limit");
        DataStream<MetricBatch> restored = limit(restoredTenants, new CardinalityLimiter<>(resources, type, o.maxResourcesPerTenant(),
                slot, allowedLatenessMillis, METRIC_RESOURCES_RESTORED, CardinalityLimiter.Held.RECORDS).passLateUnfolded(),
                resources, type, "metric-resource-limit");
        // what they emit goes through the limit once more, which keeps what was kept, so that it reaches its
        // resource's subtask like any batch: keyed by the limit's key by a step of its own (the limit's input
        // is a forward edge, which then holds for these too), and marked by a marker of its own
        SingleOutputStreamOperator<MetricBatch> remarked = restored
                .keyBy(MetricBatch::resourceKey, Types.STRING)
                .map(b -> b).returns(type).name("metric-restored-rekeyed").uid("metric-restored-rekeyed")
                .process(new TenantMarker<>(tenants, resources, o.maxResourcesPerTenant(), slot, allowedLatenessMillis))
                .returns(type).name("metric-tenant-marks-restored").uid("metric-tenant-marks-restored");
        SingleOutputStreamOperator<TenantDecision> decisions = marked.getSideOutput(TenantMarker.MARKS)
                .union(remarked.getSideOutput(TenantMarker.MARKS))
                .keyBy(m -> LimitSubjects.ALL_TENANTS, Types.STRING)
                .transform("metric-tenant-admission", TenantDecision.TYPE, new HorizonKeyedProcessOperator<>(
                        new TenantAdmission(o.maxTenants(), o.maxResourcesPerTenant(), slot, allowedLatenessMillis,
                                METRIC_TENANTS, METRIC_RESOURCES).lateServiceSetsBottomK()))
                .uid("metric-tenant-admission").setParallelism(1);
        SingleOutputStreamOperator<MetricBatch> r = DataStreamUtils
                .reinterpretAsKeyedStream(marked.union(remarked), MetricBatch::resourceKey, Types.STRING)
                .connect(decisions.broadcast())
                .transform("metric-tenant-resource-limit", type, new TenantRecordLimiter<>(tenants, resources, type,
                        o.maxTenants(), o.maxResourcesPerTenant(), slot, allowedLatenessMillis, METRIC_TENANTS, METRIC_RESOURCES)
                        .passLateUnfolded().combiningReleased(MetricBatch::combine))
                .uid("metric-tenant-records");
        if (o.maxMetricSeriesPerTenant() == 0) {
            // off by default: one record per series and minute, and each admission rewriting the
            // tenant's admitted set, cost 27x on RocksDB at 6,200 series per tenant and minute
            return r;
        }
        // one record per series and minute (after the resource limit, so folded resources' series count once)
        DataStream<MetricBatch> series = r
                .flatMap((MetricBatch b, Collector<MetricBatch> out) -> b.bySeries().forEach(out::collect))
                .returns(type).name("metric-series-split").uid("metric-series-split");
        return limit(series, new CardinalityLimiter<>(MetricLimitSubjects.series(), type, o.maxMetricSeriesPerTenant(),
                MetricOptions.WINDOW_MILLIS, allowedLatenessMillis, METRIC_SERIES, CardinalityLimiter.Held.RECORDS).passLateUnfolded(),
                MetricLimitSubjects.series(), type, "metric-series-limit");
    }

    private static <P> DataStream<P> limit(DataStream<P> in, CardinalityLimiter<P> limiter, LimitSubject<P> subject,
            TypeInformation<P> type, String uid) {
        return byScope(in, subject)
                .transform(uid, type, new HorizonKeyedProcessOperator<>(limiter))
                .uid(uid);
    }

    /**
     * As {@link #limit}, the held partials one state entry each ({@link CardinalityLimiter.Held#RECORDS}):
     * a tenant or caller holds a partial per edge and flush, and a list rewritten whole on each
     * append cost, on RocksDB, the square of that per slot.
     */
    private static <P> DataStream<P> limitRecords(DataStream<P> in, LimitSubject<P> subject, TypeInformation<P> type,
            int limit, long slotMillis, long allowedLatenessMillis, String uid, String metricGroup) {
        return limit(in, new CardinalityLimiter<>(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup,
                CardinalityLimiter.Held.RECORDS), subject, type, uid);
    }
}
