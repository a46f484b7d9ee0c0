package org.otlpanalytics.operators.limits;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one admission step of every limit here: a set keeps the {@code limit} members with the
 * smallest stable hash (bottom-k), so the members kept do not depend on arrival order or on how the
 * members are spread over subtasks, and a union of per-subtask sets pruned this way decides as the
 * whole would. A newcomer with a smaller hash than the largest kept one pushes that one out while
 * pushing out is allowed (before the slot is emitted); after that only room admits. Two members with
 * one 64-bit hash share a place: the second is a {@link Outcome#COLLISION}, which the callers fold.
 * (RED's operation cap keeps hashes only, in a sorted array: {@code AdmittedOperations#admit}.)
 */
public final class BottomK {

    /** What an offer did to the set. */
    public enum Outcome {
        /** the member was already in the set (unchanged) */
        KEPT,
        /** another member with the same hash is in the set (unchanged) */
        COLLISION,
        /** added into free room */
        ADDED,
        /** added, and the member with the largest hash was pushed out ({@link Offer#pushedOut}) */
        PUSHED_OUT,
        /** not admitted (unchanged) */
        REFUSED;

        /** Whether the offered member is in the set now. */
        public boolean admitted() {
            return this == KEPT || this == ADDED || this == PUSHED_OUT;
        }

        /** Whether the set changed. */
        public boolean changed() {
            return this == ADDED || this == PUSHED_OUT;
        }
    }

    /** An offer's outcome and, for {@link Outcome#PUSHED_OUT}, the member pushed out. */
    public static final class Offer {
        private static final Offer KEPT = new Offer(Outcome.KEPT, null);
        private static final Offer COLLISION = new Offer(Outcome.COLLISION, null);
        private static final Offer ADDED = new Offer(Outcome.ADDED, null);
        private static final Offer REFUSED = new Offer(Outcome.REFUSED, null);

        public final Outcome outcome;
        /** the member pushed out, or null */
        public final String pushedOut;

        private Offer(Outcome outcome, String pushedOut) {
            this.outcome = outcome;
            this.pushedOut = pushedOut;
        }

        public boolean admitted() {
            return outcome.admitted();
        }

        public boolean changed() {
            return outcome.changed();
        }
    }

    private BottomK() {
    }

    /**
     * Offers {@code member} (whose stable hash is {@code hash}) to {@code admitted} (hash → member),
     * which holds at most {@code limit} members; {@code mayPushOut} says whether a smaller hash may
     * still push out the largest one.
     */
    public static Offer offer(TreeMap<Long, String> admitted, long hash, String member, int limit, boolean mayPushOut) {
        String known = admitted.get(hash);
        if (known != null) {
            return known.equals(member) ? Offer.KEPT : Offer.COLLISION;
        }
        if (admitted.size() < limit) {
            admitted.put(hash, member);
            return Offer.ADDED;
        }
        if (mayPushOut && !admitted.isEmpty() && hash < admitted.lastKey()) {
            Map.Entry<Long, String> last = admitted.pollLastEntry();
            admitted.put(hash, member);
            return new Offer(Outcome.PUSHED_OUT, last.getValue());
        }
        return Offer.REFUSED;
    }
}
