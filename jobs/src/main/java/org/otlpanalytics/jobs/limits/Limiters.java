package org.otlpanalytics.jobs.limits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.EdgePartialSerializer;
import org.otlpanalytics.operators.limits.CardinalityLimiter;
import org.otlpanalytics.operators.limits.EdgeLimitSubjects;
import org.otlpanalytics.operators.limits.LimitSubject;
import org.otlpanalytics.operators.limits.RedLimitSubjects;
import org.otlpanalytics.operators.red.RedOptions;
import org.otlpanalytics.operators.red.RedPartial;

/**
 * Wires the tenant, resource and series limits into a pipeline's stream of partials, between its
 * pre-aggregation and its aggregation: tenants first (one scope for the job), then resources per
 * tenant, then series per tenant. Each limit is a {@link CardinalityLimiter} with its own uid and metric group.
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

    private Limiters() {}

    /** RED partials (1-minute buckets) through the tenant, service and series limits. */
    public static DataStream<RedPartial> red(DataStream<RedPartial> partials, LimitOptions o, long allowedLatenessMillis) {
        TypeInformation<RedPartial> type = TypeInformation.of(RedPartial.class);
        DataStream<RedPartial> t = limit(partials, new RedLimitSubjects.Tenants(), type, o.maxTenants(),
                RedOptions.WINDOW_MILLIS, allowedLatenessMillis, "red-tenant-limit", RED_TENANTS);
        DataStream<RedPartial> r = limit(t, new RedLimitSubjects.Resources(), type, o.maxResourcesPerTenant(),
                RedOptions.WINDOW_MILLIS, allowedLatenessMillis, "red-resource-limit", RED_RESOURCES);
        return limit(r, new RedLimitSubjects.Series(), type, o.maxSeriesPerTenant(), RedOptions.WINDOW_MILLIS,
                allowedLatenessMillis, "red-series-limit", RED_SERIES);
    }

    /** Service-call partials ({@code slotMillis} slots) through the tenant, caller, callee and edge limits. */
    public static DataStream<EdgePartial> edges(DataStream<EdgePartial> partials, LimitOptions o, long slotMillis,
            long allowedLatenessMillis) {
        TypeInformation<EdgePartial> type = EdgePartialSerializer.TYPE;
        DataStream<EdgePartial> t = limit(partials, new EdgeLimitSubjects.Tenants(), type, o.maxTenants(), slotMillis,
                allowedLatenessMillis, "edge-tenant-limit", EDGE_TENANTS);
        DataStream<EdgePartial> c = limit(t, new EdgeLimitSubjects.Callers(), type, o.maxResourcesPerTenant(), slotMillis,
                allowedLatenessMillis, "edge-caller-limit", EDGE_CALLERS);
        DataStream<EdgePartial> d = limit(c, new EdgeLimitSubjects.Callees(), type, o.maxResourcesPerTenant(), slotMillis,
                allowedLatenessMillis, "edge-callee-limit", EDGE_CALLEES);
        return limit(d, new EdgeLimitSubjects.Edges(), type, o.maxSeriesPerTenant(), slotMillis, allowedLatenessMillis,
                "edge-series-limit", EDGE_SERIES);
    }

    private static <P> DataStream<P> limit(DataStream<P> in, LimitSubject<P> subject, TypeInformation<P> type, int limit,
            long slotMillis, long allowedLatenessMillis, String uid, String metricGroup) {
        return in.keyBy(subject::scope, Types.STRING)
                .transform(uid, type, new HorizonKeyedProcessOperator<>(
                        new CardinalityLimiter<>(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup)))
                .uid(uid);
    }
}
