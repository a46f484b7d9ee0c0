package org.otlpanalytics.operators.edges;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Pairs the halves of a call that meet in one source subtask between two of its watermarks, before
 * the shuffle by trace, with the decisions {@link EdgeStore} would take; everything it cannot
 * decide as the pairing would is held, in arrival order, and handed back by {@link #drain} for
 * the shuffle. Plain Java; {@link EdgeLocalPairer} is the operator around it.
 *
 * <p><b>Why the answers are the pairing's.</b> A half {@code a} held here and its other half
 * {@code b} arriving later in the same watermark interval would reach the pairing in that order
 * on one channel, with no watermark of this channel between them, so the pairing's watermark
 * when {@code b} arrives is at most {@code watermarkMillis} given to {@link #offer} (the pairing's
 * is the smallest over all channels, and a restored horizon is the smallest over the subtasks on
 * both sides). They pair here only when there, too, {@code a} would be waiting and {@code b}
 * would find it: neither deadline reached by that watermark ({@link EdgeMatcher#hasExpired}),
 * each starting before the other's deadline ({@link EdgeMatcher#staleOf}, the rule that makes
 * pairing order-independent), opposite sides, and no other half of that call seen here in the
 * interval (a redelivered or second child stays the pairing's to judge, against what waits
 * there). A root SERVER/CONSUMER span is settled at once ({@link EdgeMatcher#settleAlone}), as
 * the pairing would settle it, without state.
 *
 * <p>What the pairing cannot see from here is what waits there already: a third half of the same
 * call from another partition (a duplicate or a second child). Which two of three halves pair
 * then depends on arrival order in either design. Halves the pairing would have refused at
 * {@code edges.store.max-items} pair here instead: fewer halves then wait there.
 *
 * <p>The first held half of each call is found in a {@link PairingTable} of the held slots
 * themselves, as in {@link EdgeStore}: an offer allocates its slot only, no key object and
 * no {@code HashMap} node (in a profile of {@code bench-edges} the local pairing was a tenth of the
 * source threads' own work beside decoding, most of it in {@code HashMap}).
 *
 * <p>Not thread-safe: one instance per operator subtask or test.
 */
public final class LocalPairingBuffer {
    private final int maxHeld;
    /** The first held half of each call seen in this interval, until it pairs or is drained. */
    private final PairingTable<Slot> byKey = new PairingTable<>();
    /** Held halves in arrival order; a paired one stays here, marked, until {@link #drain}. */
    private final List<Slot> order = new ArrayList<>();
    private int held;

    /** @param maxHeld halves held before {@link #isFull} asks for a {@link #drain} */
    public LocalPairingBuffer(int maxHeld) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be >= 1, got " + maxHeld);
        }
        this.maxHeld = maxHeld;
    }

    /**
     * Offers a half, judged against {@code watermarkMillis}, the effective watermark the half
     * came after (at least the pairing's when it would arrive there). Returns the outcome when
     * the half was settled here ({@code PAIRED} and {@code VIRTUAL} with their edge,
     * {@code SAME_SERVICE}, {@code ORPHANED}), or null when it is held for the shuffle.
     */
    public OfferResult offer(PendingSpan incoming, long watermarkMillis) {
        OfferResult settled = EdgeMatcher.settleAlone(incoming);
        if (settled != null) {
            return settled;
        }
        Slot s = byKey.get(incoming);
        if (s != null && s.pairable(incoming, watermarkMillis)) {
            OfferResult matched = EdgeMatcher.match(s.span, incoming);
            s.span = null;
            held--;
            byKey.remove(s);
            return matched;
        }
        Slot added = new Slot(incoming);
        if (s == null) {
            byKey.add(added);
        } else {
            // another half of this call was seen here: the pairing decides, against what waits there
            s.ambiguous = true;
        }
        order.add(added);
        held++;
        return null;
    }

    /** True when {@code maxHeld} halves are held: the caller drains before the next offer. */
    public boolean isFull() {
        return held >= maxHeld;
    }

    /** Halves held now. */
    public int size() {
        return held;
    }

    /** Hands every held half to {@code shipper}, in arrival order, and forgets them. */
    public void drain(Consumer<PendingSpan> shipper) {
        for (Slot s : order) {
            if (s.span != null) {
                shipper.accept(s.span);
            }
        }
        order.clear();
        byKey.clear();
        held = 0;
    }

    /** A held half, found by its call; {@code span} turns null once paired here. */
    private static final class Slot extends PairingTable.Entry {
        PendingSpan span;
        /** Another half of the call came while this one was held: never paired here. */
        boolean ambiguous;

        Slot(PendingSpan span) {
            super(span.traceIdHi(), span.traceIdLo(), span.pairingSpanId());
            this.span = span;
        }

        /** The pairing would pair these two: see the class comment. */
        boolean pairable(PendingSpan incoming, long watermarkMillis) {
            return span != null
                    && !ambiguous
                    && span.isCaller() != incoming.isCaller()
                    && !EdgeMatcher.hasExpired(span, watermarkMillis)
                    && !EdgeMatcher.hasExpired(incoming, watermarkMillis)
                    && EdgeMatcher.staleOf(span, incoming) == null;
        }
    }
}
