package org.otlpanalytics.operators.limits;

import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.UnminedPatterns;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The limits on the logs pipeline. Tenants (one scope for all) and services per tenant are limited
 * on the log records, per minute, before the fingerprinter, so a folded tenant or service builds no
 * Drain tree of its own and its records are mined and counted in the overflow tenant's or service's.
 * Patterns per tenant, a pattern being (service, fingerprint), are limited on the fingerprinter's
 * partials per 5-minute window; past the limit a pattern's counts go to its service's over-limit
 * pattern ({@link UnminedPatterns#overLimitId}), so the service's totals stay right.
 */
public final class LogLimitSubjects {
    /** The slot of the record limits: one minute of event time. */
    public static final long RECORD_SLOT_MILLIS = 60_000L;

    private LogLimitSubjects() {}

    /** Distinct tenants per minute; past the limit a record's tenant becomes {@link Overflow#TENANT}. */
    public static LimitSubject<LogRecordFlat> tenants() {
        return LimitSubjects.tenants(r -> r.tenant, LogLimitSubjects::minute, r -> r.tenant = Overflow.TENANT);
    }

    /** Distinct services per tenant and minute; past the limit a record's service becomes {@link Overflow#SERVICE_URN}. */
    public static LimitSubject<LogRecordFlat> resources() {
        return LimitSubjects.perTenant(r -> r.tenant, r -> r.serviceUrn, LogLimitSubjects::minute,
                r -> Overflow.SERVICE_URN.equals(r.serviceUrn), r -> {
                    r.serviceName = Overflow.NAME;
                    r.serviceNamespace = Overflow.NAMESPACE;
                    r.serviceUrn = Overflow.SERVICE_URN;
                });
    }

    /** Distinct patterns (service, fingerprint) per tenant and 5-minute window. */
    public static LimitSubject<LogPatternPartial> patterns() {
        return LimitSubjects.perTenant(p -> p.tenant, p -> CompositeKey.of(p.serviceUrn, Long.toString(p.fingerprintId)),
                p -> p.windowStartMillis, LogLimitSubjects::isOverLimit,
                p -> p.fingerprintId = UnminedPatterns.overLimitId(p.tenant, p.serviceUrn));
    }

    /** Whether a partial counts its service's over-limit pattern. */
    public static boolean isOverLimit(LogPatternPartial p) {
        return p.fingerprintId == UnminedPatterns.overLimitId(p.tenant, p.serviceUrn);
    }

    /** The slot of the pattern limit: the 5-minute window of {@code log_pattern_5m}. */
    public static long patternSlotMillis() {
        return LogPatternOptions.WINDOW_MILLIS;
    }

    private static long minute(LogRecordFlat r) {
        long t = r.timeMillis();
        return Math.floorDiv(t, RECORD_SLOT_MILLIS) * RECORD_SLOT_MILLIS;
    }
}
