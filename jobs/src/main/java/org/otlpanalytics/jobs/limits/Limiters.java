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
 * Wires the tenant and resource limits into a pipeline's stream of partials, between its
 * pre-aggregation and its aggregation: tenants first (one scope for the job), then resources per
 * tenant. Each limit is a {@link CardinalityLimiter} with its own uid and metric group.
 */
public final class Limiters {
    /** Metric groups, one per limit and pipeline. */
    public static final String RED_TENANTS = "redTenantLimiter";
    public static final String RED_RESOURCES = "redResourceLimiter";
    public static final String EDGE_TENANTS = "edgeTenantLimiter";
    public static final String EDGE_CALLERS = "edgeCallerLimiter";
    public static final String EDGE_CALLEES = "edgeCalleeLimiter";

    private Limiters() {}

    /** RED partials (1-minute buckets) through the tenant and the service limits. */
    public static DataStream<RedPartial> red(DataStream<RedPartial> partials, LimitOptions o, long allowedLatenessMillis) {
        TypeInformation<RedPartial> type = TypeInformation.of(RedPartial.class);
        DataStream<RedPartial> t = limit(partials, new RedLimitSubjects.Tenants(), type, o.maxTenants(),
                RedOptions.WINDOW_MILLIS, allowedLatenessMillis, "red-tenant-limit", RED_TENANTS);
        return limit(t, new RedLimitSubjects.Resources(), type, o.maxResourcesPerTenant(), RedOptions.WINDOW_MILLIS,
                allowedLatenessMillis, "red-resource-limit", RED_RESOURCES);
    }

    /** Service-call partials ({@code slotMillis} slots) through the tenant, caller and callee limits. */
    public static DataStream<EdgePartial> edges(DataStream<EdgePartial> partials, LimitOptions o, long slotMillis,
            long allowedLatenessMillis) {
        TypeInformation<EdgePartial> type = EdgePartialSerializer.TYPE;
        DataStream<EdgePartial> t = limit(partials, new EdgeLimitSubjects.Tenants(), type, o.maxTenants(), slotMillis,
                allowedLatenessMillis, "edge-tenant-limit", EDGE_TENANTS);
        DataStream<EdgePartial> c = limit(t, new EdgeLimitSubjects.Callers(), type, o.maxResourcesPerTenant(), slotMillis,
                allowedLatenessMillis, "edge-caller-limit", EDGE_CALLERS);
        return limit(c, new EdgeLimitSubjects.Callees(), type, o.maxResourcesPerTenant(), slotMillis,
                allowedLatenessMillis, "edge-callee-limit", EDGE_CALLEES);
    }

    private static <P> DataStream<P> limit(DataStream<P> in, LimitSubject<P> subject, TypeInformation<P> type, int limit,
            long slotMillis, long allowedLatenessMillis, String uid, String metricGroup) {
        return in.keyBy(subject::scope, Types.STRING)
                .transform(uid, type, new HorizonKeyedProcessOperator<>(
                        new CardinalityLimiter<>(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup)))
                .uid(uid);
    }
}
