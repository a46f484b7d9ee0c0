package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;

/**
 * Pending parameter sets per statement, de-duplicated by the row's key so that a row rewritten
 * several times between two checkpoints (late data) is written once: with its last value, or for a
 * statement with a {@link PendingMerge} ({@link PgStatement#merging}), with the merge of its sets.
 * Each set remembers the Kafka records behind the record that produced it, for its dead letter
 * should the database reject it.
 */
public final class PgBatch {
    private final List<LinkedHashMap<Object, Object[]>> pending;
    private final List<PendingMerge> merges;
    private final List<HashMap<Object, KafkaOrigin>> origins;
    private KafkaOrigin current;
    private int size;
    private final DimensionMemo dimensions = new DimensionMemo();

    /** A batch for {@code statements} statements whose later sets replace earlier ones of the same key. */
    PgBatch(int statements) {
        this(Collections.nCopies(statements, PendingMerge.LATER_REPLACES));
    }

    private PgBatch(List<PendingMerge> merges) {
        this.merges = merges;
        pending = new ArrayList<>(merges.size());
        origins = new ArrayList<>(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            pending.add(new LinkedHashMap<>());
            origins.add(new HashMap<>());
        }
    }

    /** A batch for {@code statements}, a later set of a key merged into the pending one as its statement says. */
    static PgBatch of(List<PgStatement> statements) {
        List<PendingMerge> merges = new ArrayList<>(statements.size());
        for (PgStatement s : statements) {
            merges.add(s.merge);
        }
        return new PgBatch(merges);
    }

    /** The Kafka records behind the sets added next (null: unknown); set per record by the writer. */
    void origin(KafkaOrigin origin) {
        this.current = origin;
    }

    /**
     * Queues one parameter set of statement {@code index}; {@code key} identifies the row (its
     * primary key). A later set with the same key replaces the earlier one, or is merged with it
     * by the statement's {@link PendingMerge}.
     */
    public void add(int index, Object key, Object... params) {
        Object[] earlier = pending.get(index).get(key);
        if (earlier == null) {
            pending.get(index).put(key, params);
            size++;
        } else {
            pending.get(index).put(key, merges.get(index).merge(earlier, params));
        }
        remember(index, key);
    }

    /** Queues a set only if no set with that key is pending (dimension rows). */
    public void addIfAbsent(int index, Object key, Object... params) {
        if (pending.get(index).putIfAbsent(key, params) == null) {
            size++;
            remember(index, key);
        }
    }

    private void remember(int index, Object key) {
        if (current != null) {
            origins.get(index).put(key, current);
        } else if (!origins.get(index).isEmpty()) {
            origins.get(index).remove(key);
        }
    }

    int size() {
        return size;
    }

    /** True when a set with {@code key} is pending for statement {@code index}. */
    boolean isPending(int index, Object key) {
        return pending.get(index).containsKey(key);
    }

    /** The dimension ids the mapper computed last for this writer (kept across flushes: ids never change). */
    public DimensionMemo dimensions() {
        return dimensions;
    }

    Map<Object, Object[]> forStatement(int index) {
        return pending.get(index);
    }

    /** The Kafka records behind the pending set of {@code key}, or null. */
    KafkaOrigin originOf(int index, Object key) {
        return origins.get(index).get(key);
    }

    /**
     * The parameter sets in the order of their keys when the keys are comparable (the ids of
     * dimension rows): concurrent writers then lock shared rows in the same order and cannot
     * deadlock on them. Other keys keep their insertion order.
     */
    static List<Object[]> inKeyOrder(Map<Object, Object[]> rows) {
        List<Map.Entry<Object, Object[]>> entries = entriesInKeyOrder(rows);
        List<Object[]> out = new ArrayList<>(entries.size());
        for (Map.Entry<Object, Object[]> e : entries) {
            out.add(e.getValue());
        }
        return out;
    }

    /** {@link #inKeyOrder}, with the keys. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Map.Entry<Object, Object[]>> entriesInKeyOrder(Map<Object, Object[]> rows) {
        List<Map.Entry<Object, Object[]>> entries = new ArrayList<>(rows.entrySet());
        for (Object k : rows.keySet()) {
            if (!(k instanceof Comparable)) {
                return entries;
            }
        }
        entries.sort((a, b) -> ((Comparable) a.getKey()).compareTo(b.getKey()));
        return entries;
    }

    void clear() {
        for (LinkedHashMap<Object, Object[]> m : pending) {
            m.clear();
        }
        for (HashMap<Object, KafkaOrigin> m : origins) {
            m.clear();
        }
        current = null;
        size = 0;
    }
}
