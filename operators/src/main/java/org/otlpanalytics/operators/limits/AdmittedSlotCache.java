package org.otlpanalytics.operators.limits;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.otlpanalytics.operators.common.time.KeyedWindows;

/**
 * The admitted sets ({@link AdmittedSlot}) of one {@link CardinalityLimiter} subtask kept on the heap
 * between checkpoints, on a state backend that serializes every access (RocksDB). There a partial
 * read its scope's whole admitted set (every member of the slot, up to the limit) and an admission
 * rewrote it: the pattern limit spent nearly all its time deserializing it, and the metric series
 * limit, one admission per record, cost the square of the set per slot. Here a set is read once and
 * written back, when it changed, at the next checkpoint ({@link #flush}, from the function's
 * {@code snapshotState}, before the keyed state is snapshotted), at its slot's timers
 * ({@link #writeBack}, before the timer reads it from state) and when it leaves the cache.
 * Keyed state is the truth at every snapshot, so a restore or a rescale starts with an empty cache
 * and reads what it needs.
 *
 * <p><b>Bounded.</b> Sets are kept in least-recently-used order up to {@code maxMembers} members in
 * all (a set weighs 1 + its members); beyond it the least recently used are written back and
 * dropped, and read again when next needed.
 *
 * <p><b>Heap backend.</b> Off ({@code backendCopies} false): there a read returns the object kept in
 * state, which costs nothing, and the backend snapshots asynchronously the objects it keeps, which a
 * cache changing them after a checkpoint would corrupt. Every call then goes to keyed state as before.
 */
final class AdmittedSlotCache {
    /** Members kept on the heap per subtask when not given (about 15 MB). */
    static final long DEFAULT_MAX_MEMBERS = 100_000L;

    private final KeyedWindows<AdmittedSlot> windows;
    private final KeyContext keys;
    private final boolean enabled;
    private final long maxMembers;
    private final LinkedHashMap<SlotKey, Cached> slots = new LinkedHashMap<>(16, 0.75f, true);
    private long weight;

    /**
     * @param keys the operator's key context, to write back sets of other keys than the current one
     * @param backendCopies whether the backend serializes every access (RocksDB): the cache is on
     */
    AdmittedSlotCache(KeyedWindows<AdmittedSlot> windows, KeyContext keys, boolean backendCopies, long maxMembers) {
        this.windows = windows;
        this.keys = keys;
        this.enabled = backendCopies && keys != null;
        this.maxMembers = maxMembers;
    }

    /** The admitted set of {@code scope} (the current key) in {@code slot}; null if it has none. */
    AdmittedSlot get(String scope, long slot) throws Exception {
        if (!enabled) {
            return windows.get(slot);
        }
        SlotKey k = new SlotKey(scope, slot);
        Cached c = slots.get(k);
        if (c != null) {
            return c.slot;
        }
        AdmittedSlot w = windows.get(slot);
        if (w != null) {
            add(k, new Cached(w, false));
        }
        return w;
    }

    /** Stores a new set (written at once, with its timers) and keeps it. */
    void create(String scope, long slot, AdmittedSlot w, TimerService timers) throws Exception {
        windows.create(slot, w, timers);
        if (enabled) {
            add(new SlotKey(scope, slot), new Cached(w, false));
        }
    }

    /** Notes that a set returned by {@link #get} or given to {@link #create} changed. */
    void update(String scope, long slot, AdmittedSlot w) throws Exception {
        if (enabled) {
            SlotKey k = new SlotKey(scope, slot);
            Cached c = slots.get(k);
            if (c != null && c.slot == w) {
                c.dirty = true;
                long cw = weightOf(w);
                weight += cw - c.weight;
                c.weight = cw;
                evict(k);
                return;
            }
        }
        windows.update(slot, w);
    }

    /** Writes the set of {@code scope} (the current key) in {@code slot} back if it changed, and drops it (before a timer reads it from state). */
    void writeBack(String scope, long slot) throws Exception {
        if (!enabled) {
            return;
        }
        Cached c = slots.remove(new SlotKey(scope, slot));
        if (c != null) {
            weight -= c.weight;
            if (c.dirty) {
                windows.update(slot, c.slot);
            }
        }
    }

    /** Writes every set changed since the last call to keyed state (at a checkpoint); they stay cached. */
    void flush() throws Exception {
        if (!enabled) {
            return;
        }
        Object current = keys.getCurrentKey();
        boolean switched = false;
        for (Map.Entry<SlotKey, Cached> e : slots.entrySet()) {
            Cached c = e.getValue();
            if (c.dirty) {
                keys.setCurrentKey(e.getKey().scope);
                switched = true;
                windows.update(e.getKey().slot, c.slot);
                c.dirty = false;
            }
        }
        if (switched && current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Sets on the heap now (for tests). */
    int size() {
        return slots.size();
    }

    /** Members (plus one per set) on the heap now (for tests). */
    long weight() {
        return weight;
    }

    private void add(SlotKey k, Cached c) throws Exception {
        c.weight = weightOf(c.slot);
        weight += c.weight;
        slots.put(k, c);
        evict(k);
    }

    /** Drops least recently used sets (never {@code keep}) while the cache weighs more than its cap. */
    private void evict(SlotKey keep) throws Exception {
        if (weight <= maxMembers || slots.size() <= 1) {
            return;
        }
        Object current = keys.getCurrentKey();
        boolean switched = false;
        Iterator<Map.Entry<SlotKey, Cached>> it = slots.entrySet().iterator();
        while (weight > maxMembers && slots.size() > 1 && it.hasNext()) {
            Map.Entry<SlotKey, Cached> e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            Cached c = e.getValue();
            if (c.dirty) {
                keys.setCurrentKey(e.getKey().scope);
                switched = true;
                windows.update(e.getKey().slot, c.slot);
            }
            it.remove();
            weight -= c.weight;
        }
        if (switched && current != null) {
            keys.setCurrentKey(current);
        }
    }

    private static long weightOf(AdmittedSlot w) {
        return 1L + w.admitted.size();
    }

    private record SlotKey(String scope, long slot) {}

    private static final class Cached {
        final AdmittedSlot slot;
        boolean dirty;
        long weight;

        Cached(AdmittedSlot slot, boolean dirty) {
            this.slot = slot;
            this.dirty = dirty;
        }
    }
}
