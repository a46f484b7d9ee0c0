package org.otlpanalytics.operators.common.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * A keyed list state per namespace (a minute, a second) whose appends wait on the heap until the
 * next checkpoint and then go in as one batch per key and namespace. On RocksDB every
 * {@code add} serializes the record and writes it (a merge operand each) and a record held for a
 * minute and then read back costs that write, its read and its delete; here a record that comes and
 * goes between two checkpoints never touches the backend, and one that spans a checkpoint is written
 * once, with the others of its key and namespace ({@code addAll}).
 *
 * <p><b>Keyed state is the truth at every snapshot:</b> the operator calls {@link #flush} from its
 * {@code snapshotState}, which runs before the keyed state is snapshotted; a restore or a rescale
 * starts with empty buffers and finds everything in state. {@link #take} returns the state's part
 * first (it came first), then the heap's, so the order of arrival is kept.
 *
 * <p><b>Bounded:</b> past {@code maxOnHeap} records on the heap in all, every buffer is flushed.
 *
 * <p><b>Heap and batch backends:</b> off ({@code backendCopies} false). There an {@code add} is a
 * list append on the heap already, and the heap backend snapshots asynchronously the lists it keeps;
 * Flink's batch backend clears a key's state when the input moves on to the next key, so a flush of
 * other keys there would lose records. Every call then goes to the list state as before.
 */
public final class BatchedListState<T> {
    /**
     * Records kept on the heap per operator subtask. With 50,000 the soak's find-max reached 870 MB of
     * heap after GC in a 1 GB TaskManager (503 MB before the buffers); a log record weighs 1–2 KB there.
     */
    public static final int DEFAULT_MAX_ON_HEAP = 10_000;

    private final InternalListState<?, Long, T> state;
    private final KeyContext keys;
    private final boolean enabled;
    private final int maxOnHeap;
    private final Map<Slot, ArrayList<T>> buffers = new HashMap<>();
    private int onHeap;
    private long flushes;

    /**
     * @param state the keyed list state, its namespace the slot (minute, second)
     * @param keys the operator's key context, to write buffers of other keys than the current one
     * @param backendCopies whether the backend serializes every access (RocksDB): the buffers are on
     */
    public BatchedListState(InternalListState<?, Long, T> state, KeyContext keys, boolean backendCopies, int maxOnHeap) {
        if (maxOnHeap < 1) {
            throw new IllegalArgumentException("maxOnHeap must be >= 1, got " + maxOnHeap);
        }
        this.state = state;
        this.keys = keys;
        this.enabled = backendCopies;
        this.maxOnHeap = maxOnHeap;
    }

    /** Appends {@code value} to the current key's list of {@code namespace}. */
    public void add(long namespace, T value) throws Exception {
        if (!enabled) {
            state.setCurrentNamespace(namespace);
            state.add(value);
            return;
        }
        buffers.computeIfAbsent(new Slot(keys.getCurrentKey(), namespace), s -> new ArrayList<>()).add(value);
        if (++onHeap > maxOnHeap) {
            flush();
        }
    }

    /** Whether the current key has records of {@code namespace} on the heap (always false when off). */
    public boolean hasOnHeap(long namespace) {
        return enabled && buffers.containsKey(new Slot(keys.getCurrentKey(), namespace));
    }

    /** Removes and returns the current key's list of {@code namespace}, in the order it was added. */
    public List<T> take(long namespace) throws Exception {
        List<T> out = takeStored(state, namespace);
        if (enabled) {
            ArrayList<T> b = buffers.remove(new Slot(keys.getCurrentKey(), namespace));
            if (b != null) {
                out.addAll(b);
                onHeap -= b.size();
            }
        }
        return out;
    }

    /** Removes and returns the current key's list of {@code namespace} as {@code state} holds it (nothing on the heap). */
    public static <T> List<T> takeStored(InternalListState<?, Long, T> state, long namespace) throws Exception {
        state.setCurrentNamespace(namespace);
        List<T> out = new ArrayList<>();
        Iterable<T> stored = state.get();
        if (stored != null) {
            for (T t : stored) {
                out.add(t);
            }
            state.clear();
        }
        return out;
    }

    /** Writes every buffer to keyed state, one {@code addAll} per key and namespace, and empties them. */
    public void flush() throws Exception {
        if (buffers.isEmpty()) {
            return;
        }
        Object current = keys.getCurrentKey();
        for (Map.Entry<Slot, ArrayList<T>> e : buffers.entrySet()) {
            keys.setCurrentKey(e.getKey().key());
            state.setCurrentNamespace(e.getKey().namespace());
            state.addAll(e.getValue());
        }
        buffers.clear();
        onHeap = 0;
        flushes++;
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Records on the heap now. */
    public int onHeap() {
        return onHeap;
    }

    /** Flushes that wrote something, since the start (for tests and benchmarks). */
    public long flushes() {
        return flushes;
    }

    /** One key's namespace. */
    private record Slot(Object key, long namespace) {}
}
