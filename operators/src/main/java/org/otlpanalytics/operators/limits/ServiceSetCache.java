package org.otlpanalytics.operators.limits;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;

/**
 * {@link TenantAdmission}'s service sets (per minute and final tenant) kept on the heap between
 * checkpoints when the keyed state backend serializes every access (RocksDB): a mark then changes
 * the set in place instead of reading and rewriting the tenant's whole set, which took 78% of the
 * admission's time on RocksDB in {@code bench-metrics} (1,000 resources of one tenant per minute).
 * Changed sets are written to the state at {@link #flush} (each checkpoint, and when more than
 * {@code maxMembers} members are held). Off (the heap backend), every call goes to the state, whose
 * reads already return the kept object. The admission has one key, so the state is always that key's.
 */
final class ServiceSetCache {
    private final MapState<String, AdmittedSlot> state;
    private final boolean enabled;
    private final long maxMembers;
    private final Map<String, AdmittedSlot> cached = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private long puts;

    ServiceSetCache(MapState<String, AdmittedSlot> state, boolean enabled, long maxMembers) {
        this.state = state;
        this.enabled = enabled;
        this.maxMembers = maxMembers;
    }

    AdmittedSlot get(String key) throws Exception {
        if (!enabled) {
            return state.get(key);
        }
        AdmittedSlot s = cached.get(key);
        if (s == null && !cached.containsKey(key)) {
            s = state.get(key);
            cached.put(key, s);
        }
        return s;
    }

    /** Stores {@code s} (possibly changed in place) under {@code key}. */
    void put(String key, AdmittedSlot s) throws Exception {
        if (!enabled) {
            state.put(key, s);
            return;
        }
        cached.put(key, s);
        dirty.add(key);
        if (++puts % 1024 == 0 && members() > maxMembers) {
            flush();
            cached.clear();
        }
    }

    void remove(String key) throws Exception {
        if (enabled) {
            cached.remove(key);
            dirty.remove(key);
        }
        state.remove(key);
    }

    /** Writes the changed sets to the state (the current key must be the admission's one). */
    void flush() throws Exception {
        for (String key : dirty) {
            AdmittedSlot s = cached.get(key);
            if (s != null) {
                state.put(key, s);
            }
        }
        dirty.clear();
    }

    private long members() {
        long n = 0;
        for (AdmittedSlot s : cached.values()) {
            n += s == null ? 0 : s.admitted.size();
        }
        return n;
    }
}
