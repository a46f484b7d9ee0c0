package org.otlpanalytics.operators.limits;

/**
 * Metric names of the {@link CardinalityLimiter}s: one group per limit ({@code tenantLimiter},
 * {@code resourceLimiter}, ...; the group is given by the job), the same counters in each.
 */
public final class LimiterMetrics {
    /** Partials whose member was past the limit (or pushed out by a smaller hash), folded into overflow. */
    public static final String PARTIALS_FOLDED = "partialsFolded";
    /** Members admitted and later pushed out of a slot by a member with a smaller hash. */
    public static final String MEMBERS_EVICTED = "membersEvicted";
    /** Partials after their slot was purged: folded into overflow and passed on (downstream judges lateness). */
    public static final String PARTIALS_LATE_FOLDED = "partialsLateFolded";

    private LimiterMetrics() {}
}
