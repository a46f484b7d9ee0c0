package org.otlpanalytics.operators.edges;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Pairs CLIENT/PRODUCER spans with their SERVER/CONSUMER children across services, in memory,
 * modelled on the OpenTelemetry Collector's servicegraph {@code internal/store}: a half waits
 * under (trace id, pairing span id) until its other half comes ({@link OfferResult.Outcome#PAIRED}),
 * until it expires ({@link #expire}), or is refused when {@code edges.store.max-items} halves
 * already wait ({@link OfferResult.Outcome#REJECTED}, the Collector's {@code ErrTooManyItems}).
 *
 * <p>Time is event time only: a half waits until its span's end plus {@code edges.store.ttl},
 * and only {@link #expire(long)} with a watermark ends the wait. There is no clock here, so a
 * replay pairs exactly as the live run did. Expired halves are handed back; {@link
 * PeerNamer#virtualEdge} turns them into edges to or from virtual nodes.
 *
 * <p>The keyed Flink operator does the same with its own state; per span, keyed by trace id:
 * <pre>{@code
 * if (!PendingSpan.isPairable(span)) -> IGNORED
 * PendingSpan in = PendingSpan.of(span, PendingSpan.eventTimeMillis(span), ttlMillis);
 * OfferResult r = EdgeMatcher.settleAlone(in);          // root SERVER/CONSUMER: no state
 * if (r == null) {
 *     PendingSpan w = pending.get(in.pairingSpanId());  // MapState<Long, PendingSpan>
 *     stale = EdgeMatcher.staleOf(w, in)                // expire it now: w (then in waits) or in
 *     if (w != null) { r = EdgeMatcher.match(w, in); if (EdgeMatcher.consumesWaiting(r)) pending.remove(...); }
 *     else if (full) r = REJECTED; else { pending.put(...); registerEventTimeTimer(in.deadlineMillis()); }
 * }
 * // onTimer(t): every entry with deadlineMillis() <= t is removed and PeerNamer.virtualEdge(it) emitted
 * }</pre>
 *
 * <p>Not thread-safe: one instance belongs to one operator subtask or one test.
 */
public final class EdgeStore {
    /** The entry (its key and deadline inside), its table slot and its queue slot, per waiting half (approximate). */
    private static final long ENTRY_OVERHEAD_BYTES = 88;
    /** Slack of stale queue entries (halves paired before their deadline) before a rebuild. */
    private static final int STALE_SLACK = 1024;
    /** Width of a deadline bucket of {@link #byDeadline}; a power of two, about 80 buckets for the default TTL. */
    static final long DEADLINE_BUCKET_MILLIS = 128;

    private final EdgeStoreOptions options;
    private final PairingTable<Waiting> waiting = new PairingTable<>();
    /** Waiting halves by deadline; paired halves stay here, marked dead, until polled or rebuilt. */
    private final DeadlineBuckets<Waiting> byDeadline =
            new DeadlineBuckets<>(DEADLINE_BUCKET_MILLIS, w -> w.deadline);
    /** Halves added since the last {@link #expire}, not yet in {@link #byDeadline} ({@link #addYoung}). */
    private final List<Waiting> young = new ArrayList<>();
    private int staleEntries;
    private long watermarkMillis = Long.MIN_VALUE;
    private long heldBytes;
    private final long[] outcomeCounts = new long[OfferResult.Outcome.values().length];
    private long expired;
    /**
     * Halves whose wait an offer ended ({@link EdgeMatcher#staleOf}, or a deadline already passed);
     * handed back by {@link #takeExpiredEarly} or the next {@link #expire}.
     */
    private final List<PendingSpan> expiredEarly = new ArrayList<>();

    public EdgeStore(EdgeStoreOptions options) {
        this.options = options;
    }

    /** Offers a span that waits, if it has to, from its end time ({@link PendingSpan#eventTimeMillis}). */
    public OfferResult offer(SpanRecord span) {
        return offer(span, PendingSpan.eventTimeMillis(span));
    }

    /**
     * Offers a span that waits, if it has to, until {@code eventTimeMillis + ttl}. Pairing wins
     * over virtual naming: a CLIENT span naming a database still pairs with a SERVER child that
     * arrives in time; its peer is only used if it expires.
     */
    public OfferResult offer(SpanRecord span, long eventTimeMillis) {
        if (!PendingSpan.isPairable(span)) {
            return count(OfferResult.IGNORED);
        }
        return offer(PendingSpan.of(span, eventTimeMillis, options.ttlMillis()));
    }

    /**
     * Offers a half. It pairs with the half of the other side waiting under the same pairing id,
     * unless that one's deadline the watermark has passed (its wait is over, whether or not
     * {@link #expire} has been called since); otherwise it waits, unless its own deadline is
     * already behind the watermark ({@link EdgeMatcher#hasExpired}).
     */
    public OfferResult offer(PendingSpan incoming) {
        OfferResult settled = EdgeMatcher.settleAlone(incoming);
        if (settled != null) {
            return count(settled);
        }
        Waiting w = waiting.get(incoming);
        if (w != null && EdgeMatcher.hasExpired(w.span, watermarkMillis)) {
            // its wait ended when the watermark passed its deadline
            waiting.remove(w);
            forget(w);
            expiredEarly.add(w.span);
            w = null;
        }
        if (w != null) {
            PendingSpan stale = EdgeMatcher.staleOf(w.span, incoming);
            if (stale == incoming) {
                // too late or too early for the waiting half: it waited in vain, as far as this one goes
                expiredEarly.add(incoming);
                return count(OfferResult.pending(incoming));
            }
            if (stale == w.span) {
                waiting.remove(w);
                forget(w);
                expiredEarly.add(w.span);
                w = null;
            }
        }
        if (w != null) {
            OfferResult matched = EdgeMatcher.match(w.span, incoming);
            if (EdgeMatcher.consumesWaiting(matched)) {
                waiting.remove(w);
                forget(w);
                if (staleEntries > waiting.size() + STALE_SLACK) {
                    rebuildQueue();
                }
            }
            return count(matched);
        }
        if (EdgeMatcher.hasExpired(incoming, watermarkMillis)) {
            // arrived after its own deadline: its wait is already over (as the keyed operator decides)
            expiredEarly.add(incoming);
            return count(OfferResult.pending(incoming));
        }
        if (waiting.size() >= options.maxItems()) {
            return count(OfferResult.rejected(incoming));
        }
        Waiting added = new Waiting(incoming);
        waiting.add(added);
        addYoung(added);
        heldBytes += incoming.approxHeapBytes();
        return count(OfferResult.pending(incoming));
    }

    /**
     * Ends the wait of every half whose deadline is at or before the watermark (as a Flink
     * event-time timer fires when the watermark reaches its time) and returns them, earliest
     * deadline first, after the halves {@link EdgeMatcher#staleOf} ended early since the last
     * call. Each is counted as expired.
     */
    public List<PendingSpan> expire(long watermarkMillis) {
        this.watermarkMillis = Math.max(this.watermarkMillis, watermarkMillis);
        List<PendingSpan> out = null;
        if (!expiredEarly.isEmpty()) {
            out = new ArrayList<>(expiredEarly);
            expiredEarly.clear();
        }
        for (Waiting w : young) {
            if (w.live) {
                w.inQueue = true;
                byDeadline.add(w);
            }
        }
        young.clear();
        List<PendingSpan> ended = out == null ? new ArrayList<>() : out;
        byDeadline.pollUpTo(watermarkMillis, w -> {
            w.inQueue = false;
            if (!w.live) {
                staleEntries--;
                return;
            }
            waiting.remove(w);
            forget(w);
            ended.add(w.span);
        });
        out = ended.isEmpty() ? null : ended;
        if (out == null) {
            return Collections.emptyList();
        }
        expired += out.size();
        return out;
    }

    /**
     * Hands back, and counts as expired, the halves {@link EdgeMatcher#staleOf} or a passed
     * deadline ended early since the last call (or {@link #expire}), in the order they ended; their
     * waits are over, so nothing can change how they end. The keyed operator takes them right
     * after each offer: they are no longer waiting, so the checkpoint (which mirrors the waiting
     * halves) would not hold them, and a half ended early but still unnamed at a checkpoint would
     * be lost by a restore from it.
     */
    public List<PendingSpan> takeExpiredEarly() {
        if (expiredEarly.isEmpty()) {
            return Collections.emptyList();
        }
        List<PendingSpan> out = new ArrayList<>(expiredEarly);
        expiredEarly.clear();
        expired += out.size();
        return out;
    }

    /** True when {@link #takeExpiredEarly} has halves to hand back. */
    public boolean hasExpiredEarly() {
        return !expiredEarly.isEmpty();
    }

    /**
     * Records the watermark without handing back expired halves: offers from now on judge
     * against it ({@link #expire} with it hands them back). Used when an operator restores its
     * watermark horizon before it may emit.
     */
    public void observeWatermark(long watermarkMillis) {
        this.watermarkMillis = Math.max(this.watermarkMillis, watermarkMillis);
    }

    /**
     * Puts back a half that was waiting when a checkpoint was taken, without counting an offer.
     * Returns false when another half already waits under its pairing id (it is then ignored).
     */
    public boolean restore(PendingSpan p) {
        Waiting added = new Waiting(p);
        if (!waiting.add(added)) {
            return false;
        }
        addYoung(added);
        heldBytes += p.approxHeapBytes();
        return true;
    }

    /** Halves waiting now ({@code pendingSpans} gauge). */
    public int size() {
        return waiting.size();
    }

    /** Approximate heap held by the waiting halves, strings counted as unshared ({@code pendingBytes}). */
    public long approxHeapBytes() {
        return heldBytes + (long) waiting.size() * ENTRY_OVERHEAD_BYTES + (long) staleEntries * 8;
    }

    /** The highest watermark {@link #expire} has seen. */
    public long currentWatermarkMillis() {
        return watermarkMillis;
    }

    public EdgeStoreOptions options() {
        return options;
    }

    /** How many offers ended with this outcome so far. */
    public long count(OfferResult.Outcome outcome) {
        return outcomeCounts[outcome.ordinal()];
    }

    public long edgesPaired() {
        return count(OfferResult.Outcome.PAIRED);
    }

    /** Spans refused at {@code edges.store.max-items}. */
    public long spansDropped() {
        return count(OfferResult.Outcome.REJECTED);
    }

    /** Halves handed back by {@link #expire} so far. */
    public long edgesExpired() {
        return expired;
    }

    /** Visits every waiting half, in no particular order (for state-size measurements). */
    public void forEachPending(Consumer<PendingSpan> visitor) {
        waiting.forEach(w -> visitor.accept(w.span));
    }

    private OfferResult count(OfferResult r) {
        outcomeCounts[r.outcome().ordinal()]++;
        return r;
    }

    private void forget(Waiting w) {
        w.live = false;
        heldBytes -= w.span.approxHeapBytes();
        if (w.inQueue) {
            staleEntries++;
        }
    }

    /**
     * A new half goes to the deadline queue only at the next {@link #expire}, if it is still
     * waiting then: most halves pair within moments, before the next watermark, and so never
     * cost a queue insertion and removal. Dead young entries are dropped now and then, so that
     * a long stretch without watermarks (a batch replay) does not keep them all.
     */
    private void addYoung(Waiting w) {
        young.add(w);
        if (young.size() > waiting.size() + STALE_SLACK) {
            young.removeIf(y -> !y.live);
        }
    }

    /** Drops dead queue entries; amortised O(1) per pairing since it runs after STALE_SLACK of them. */
    private void rebuildQueue() {
        byDeadline.removeIf(w -> !w.live);
        staleEntries = 0;
    }

    /**
     * A waiting half with its queue position; {@code live} turns false once it left the map. The
     * deadline is copied here: the queue compares it on every move, and reading it through the
     * half cost a cache miss each time (a quarter of the pairing thread in a profile). Halves
     * enter the queue in the order they came ({@link #addYoung}, then {@link #expire}), so the
     * queue's ties (one deadline) go in arrival order, as the sequence number a heap compared gave.
     */
    private static final class Waiting extends PairingTable.Entry {
        final PendingSpan span;
        final long deadline;
        boolean live = true;
        /** In {@code byDeadline} (else in {@code young}, or in neither once polled). */
        boolean inQueue;

        Waiting(PendingSpan span) {
            super(span.traceIdHi(), span.traceIdLo(), span.pairingSpanId());
            this.span = span;
            this.deadline = span.deadlineMillis();
        }
    }
}
