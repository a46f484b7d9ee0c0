package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pending parameter sets per statement, de-duplicated by the row's key so that a row rewritten
 * several times between two checkpoints (late data) is written once, with its last value.
 */
public final class PgBatch {
    private final List<LinkedHashMap<Object, Object[]>> pending;
    private int size;

    PgBatch(int statements) {
        pending = new ArrayList<>(statements);
        for (int i = 0; i < statements; i++) {
            pending.add(new LinkedHashMap<>());
        }
    }

    /**
     * Queues one parameter set of statement {@code index}; {@code key} identifies the row (its
     * primary key), a later set with the same key replaces the earlier one.
     */
    public void add(int index, Object key, Object... params) {
        if (pending.get(index).put(key, params) == null) {
            size++;
        }
    }

    /** Queues a set only if no set with that key is pending (dimension rows). */
    public void addIfAbsent(int index, Object key, Object... params) {
        if (pending.get(index).putIfAbsent(key, params) == null) {
            size++;
        }
    }

    int size() {
        return size;
    }

    Map<Object, Object[]> forStatement(int index) {
        return pending.get(index);
    }

    /**
     * The parameter sets in the order of their keys when the keys are comparable (the ids of
     * dimension rows): concurrent writers then lock shared rows in the same order and cannot
     * deadlock on them. Other keys keep their insertion order.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Object[]> inKeyOrder(Map<Object, Object[]> rows) {
        boolean comparable = true;
        for (Object k : rows.keySet()) {
            if (!(k instanceof Comparable)) {
                comparable = false;
                break;
            }
        }
        if (!comparable || rows.size() < 2) {
            return new ArrayList<>(rows.values());
        }
        List<Map.Entry<Object, Object[]>> entries = new ArrayList<>(rows.entrySet());
        entries.sort((a, b) -> ((Comparable) a.getKey()).compareTo(b.getKey()));
        List<Object[]> out = new ArrayList<>(entries.size());
        for (Map.Entry<Object, Object[]> e : entries) {
            out.add(e.getValue());
        }
        return out;
    }

    void clear() {
        for (LinkedHashMap<Object, Object[]> m : pending) {
            m.clear();
        }
        size = 0;
    }
}
