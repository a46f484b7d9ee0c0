package org.otlpanalytics.jobs.limits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.EdgePartialSerializer;
import org.otlpanalytics.operators.limits.CardinalityLimiter;
import org.otlpanalytics.operators.limits.EdgeLimitSubjects;
import org.otlpanalytics.operators.limits.LimitSubject;
import org.otlpanalytics.operators.limits.LogLimitSubjects;
import org.otlpanalytics.operators.limits.RedLimitSubjects;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.red.RedOptions;
import org.otlpanalytics.operators.red.RedPartial;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Wires the tenant, resource and series limits into a pipeline's stream of partials, between its
 * pre-aggregation and its aggregation: tenants first (one scope for the job), then resources per
 * tenant, then series per tenant. Each limit is a {@link CardinalityLimiter} with its own uid and
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

    private Limiters() {}

    /** RED partials (1-minute buckets) through the tenant, service and series limits. */
    public static DataStream<RedPartial> red(DataStream<RedPartial> partials, LimitOptions o, long allowedLatenessMillis) {
        TypeInformation<RedPartial> type = TypeInformation.of(RedPartial.class);
        DataStream<RedPartial> t = limit(partials, RedLimitSubjects.tenants(), type, o.maxTenants(),
                RedOptions.WINDOW_MILLIS, allowedLatenessMillis, "red-tenant-limit", RED_TENANTS);
        DataStream<RedPartial> r = limit(t, RedLimitSubjects.resources(), type, o.maxResourcesPerTenant(),
                RedOptions.WINDOW_MILLIS, allowedLatenessMillis, "red-resource-limit", RED_RESOURCES);
        return limit(r, RedLimitSubjects.series(), type, o.maxSeriesPerTenant(), RedOptions.WINDOW_MILLIS,
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
     * Log records through the tenant and service limits, per minute, before the fingerprinter. The
     * watermark goes on only at minute ends ({@link SlotWatermarkKeyedProcessOperator}), so the
     * records held for their minute reach the fingerprinter before any watermark inside it. Their
     * lateness runs to the end of their 5-minute window's, so a record the fingerprinter still counts
     * is never folded for being late here. Held records are one state entry each
     * ({@link CardinalityLimiter.Held#RECORDS}): an append costs the same whatever a service's count.
     */
    public static DataStream<LogRecordFlat> logRecords(DataStream<LogRecordFlat> records, LimitOptions o,
            long allowedLatenessMillis) {
        TypeInformation<LogRecordFlat> type = records.getType();
        long slot = LogLimitSubjects.RECORD_SLOT_MILLIS;
        long lateness = allowedLatenessMillis + LogPatternOptions.WINDOW_MILLIS - slot;
        DataStream<LogRecordFlat> t = limitAligned(records, LogLimitSubjects.tenants(), type, o.maxTenants(), slot,
                lateness, "log-tenant-limit", LOG_TENANTS);
        return limitAligned(t, LogLimitSubjects.resources(), type, o.maxResourcesPerTenant(), slot, lateness,
                "log-resource-limit", LOG_RESOURCES);
    }

    /** The fingerprinter's partials through the pattern limit, per tenant and 5-minute window. */
    public static DataStream<LogPatternPartial> logPatterns(DataStream<LogPatternPartial> partials, LimitOptions o,
            long allowedLatenessMillis) {
        return limit(partials, LogLimitSubjects.patterns(), partials.getType(), o.maxSeriesPerTenant(),
                LogLimitSubjects.patternSlotMillis(), allowedLatenessMillis, "log-pattern-limit", LOG_PATTERNS);
    }

    private static <P> DataStream<P> limit(DataStream<P> in, LimitSubject<P> subject, TypeInformation<P> type, int limit,
            long slotMillis, long allowedLatenessMillis, String uid, String metricGroup) {
        return in.keyBy(subject::scope, Types.STRING)
                .transform(uid, type, new HorizonKeyedProcessOperator<>(
                        new CardinalityLimiter<>(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup)))
                .uid(uid);
    }

    /**
     * As {@link #limit}, the held partials one state entry each ({@link CardinalityLimiter.Held#RECORDS}):
     * a tenant or caller holds a partial per edge and flush, and a list rewritten whole on each
     * append cost, on RocksDB, the square of that per slot.
     */
    private static <P> DataStream<P> limitRecords(DataStream<P> in, LimitSubject<P> subject, TypeInformation<P> type,
            int limit, long slotMillis, long allowedLatenessMillis, String uid, String metricGroup) {
        return in.keyBy(subject::scope, Types.STRING)
                .transform(uid, type, new HorizonKeyedProcessOperator<>(
                        new CardinalityLimiter<>(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup,
                                CardinalityLimiter.Held.RECORDS)))
                .uid(uid);
    }

    private static <P> DataStream<P> limitAligned(DataStream<P> in, LimitSubject<P> subject, TypeInformation<P> type,
            int limit, long slotMillis, long allowedLatenessMillis, String uid, String metricGroup) {
        return in.keyBy(subject::scope, Types.STRING)
                .transform(uid, type, new SlotWatermarkKeyedProcessOperator<>(
                        new CardinalityLimiter<>(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup,
                                CardinalityLimiter.Held.RECORDS), slotMillis))
                .uid(uid);
    }
}
