package org.otlpanalytics.operators.limits;

import java.io.Serializable;

/**
 * What a {@link CardinalityLimiter} limits in records of type {@code P}: the scope the limit is
 * counted in (the key of the limiter: all tenants, or one tenant), the member counted (a tenant,
 * a resource URN), the event-time slot of the record, and how a record of a member past the limit
 * is folded into the scope's one overflow member. Folding rewrites identity only, never the
 * counts, so totals stay right.
 */
public interface LimitSubject<P> extends Serializable {
    /** The limiter's key: the scope in which at most {@code limit} members are kept per slot. */
    String scope(P p);

    /** The member counted against the limit. */
    String member(P p);

    /** Start of the record's event-time slot (its pre-aggregation window). */
    long slotStartMillis(P p);

    /** Whether the record already belongs to the overflow member (always passes, never counted). */
    boolean isOverflow(P p);

    /** Rewrites the record, in place, to the overflow member of its scope. */
    void fold(P p);
}
