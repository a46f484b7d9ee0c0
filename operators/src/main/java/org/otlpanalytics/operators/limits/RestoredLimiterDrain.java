package org.otlpanalytics.operators.limits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Keeps the uid of a {@link CardinalityLimiter} that a pipeline no longer needs (the log records'
 * resource limit, now part of {@link TenantResourceLimiter}), so that a savepoint taken while it held
 * records restores without {@code --allowNonRestoredState} and loses none: the restored held records
 * are emitted at their slot's end, decided as that limiter decided them, by its restored timers.
 * New records pass at once, untouched (it runs chained behind the operator that replaced it, keyed
 * by that operator's key, and reads no state for them).
 */
public class RestoredLimiterDrain<P> extends CardinalityLimiter<P> {
    private static final long serialVersionUID = 1L;

    /** The arguments of the limiter it replaces, whose state it reads (its held layout included). */
    public RestoredLimiterDrain(LimitSubject<P> subject, TypeInformation<P> type, int limit, long slotMillis,
            long allowedLatenessMillis, String metricGroup, Held layout) {
        super(subject, type, limit, slotMillis, allowedLatenessMillis, metricGroup, layout);
    }

    @Override
    public void processElement(P p, Context ctx, Collector<P> out) {
        out.collect(p);
    }
}
