package org.otlpanalytics.operators.limits;

import java.io.Serializable;

/**
 * A {@link LimitSubject} made of small functions on a record's fields, so that every pipeline's
 * limits (RED, service calls, logs, ...) are a few lines instead of a class each, and the three
 * kinds they share (tenants, resources per tenant, series per tenant) are written once.
 */
public final class LimitSubjects<P> implements LimitSubject<P> {
    private static final long serialVersionUID = 1L;
    /** The scope of a tenant limit: one for the whole job. */
    public static final String ALL_TENANTS = "all-tenants";

    /** A string field of a record. */
    public interface Field<P> extends Serializable {
        String get(P p);
    }

    /** The start of a record's slot. */
    public interface Slot<P> extends Serializable {
        long startMillis(P p);
    }

    /** A test on a record. */
    public interface Test<P> extends Serializable {
        boolean test(P p);
    }

    /** Rewrites a record in place. */
    public interface Fold<P> extends Serializable {
        void fold(P p);
    }

    private final Field<P> scope;
    private final Field<P> member;
    private final Slot<P> slot;
    private final Test<P> isOverflow;
    private final Fold<P> fold;

    private LimitSubjects(Field<P> scope, Field<P> member, Slot<P> slot, Test<P> isOverflow, Fold<P> fold) {
        this.scope = scope;
        this.member = member;
        this.slot = slot;
        this.isOverflow = isOverflow;
        this.fold = fold;
    }

    /** Any limit: {@code member}s counted per {@code scope} and slot. */
    public static <P> LimitSubject<P> of(Field<P> scope, Field<P> member, Slot<P> slot, Test<P> isOverflow, Fold<P> fold) {
        return new LimitSubjects<>(scope, member, slot, isOverflow, fold);
    }

    /** Distinct tenants in one scope for the job; past the limit the tenant becomes {@link Overflow#TENANT}. */
    public static <P> LimitSubject<P> tenants(Field<P> tenant, Slot<P> slot, Fold<P> toOverflowTenant) {
        return of(p -> ALL_TENANTS, tenant, slot, p -> Overflow.TENANT.equals(tenant.get(p)), toOverflowTenant);
    }

    /**
     * Distinct resources per tenant; past the limit the resource becomes {@code overflow}, a record
     * already there is never counted.
     */
    public static <P> LimitSubject<P> perTenant(Field<P> tenant, Field<P> member, Slot<P> slot, Test<P> isOverflow,
            Fold<P> fold) {
        return of(tenant, member, slot, isOverflow, fold);
    }

    @Override
    public String scope(P p) {
        return scope.get(p);
    }

    @Override
    public String member(P p) {
        return member.get(p);
    }

    @Override
    public long slotStartMillis(P p) {
        return slot.startMillis(p);
    }

    @Override
    public boolean isOverflow(P p) {
        return isOverflow.test(p);
    }

    @Override
    public void fold(P p) {
        fold.fold(p);
    }
}
