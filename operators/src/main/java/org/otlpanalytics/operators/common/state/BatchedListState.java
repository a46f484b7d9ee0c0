package org.otlpanalytics.operators.common.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.runtime.state.internal.InternalValueState;
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
 *
 * <p><b>In chunks</b> ({@link #chunked}): on RocksDB a list is one value, read whole: a key's minute of
 * records held by the log limiter at 30,000 records/s is ~180,000 records read in one array and
 * decoded at once (the soak's TaskManager ran out of heap there). Chunked, each flush writes a key's
 * batch as chunks of its own (entries of a map state under its key and namespace, numbered, with
 * the key's first and next number in a value state), and {@link #takeChunk} takes one chunk at a
 * time: the list state's records first (written before chunks existed, or on the heap backend, where
 * the list stays: nothing is serialized there), then the chunks in order, then the heap's buffer. A
 * chunk holds at most {@link #MAX_RECORDS_PER_WRITE} records.
 */
public final class BatchedListState<T> {
    /**
     * Records kept on the heap per operator subtask. With 50,000 the soak's find-max reached 870 MB of
     * heap after GC in a 1 GB TaskManager (503 MB before the buffers); a log record weighs 1–2 KB there.
     */
    public static final int DEFAULT_MAX_ON_HEAP = 10_000;
    /**
     * Records per value written to the backend: a flush writes a key's buffer in pieces of at most this
     * many (chunked: a chunk each; else one {@code addAll} each). A log record is 300–600 bytes
     * serialized, so a piece stays under half of G1's 1 MB region on a heap of a few GB: larger arrays
     * are "humongous", allocated straight in the old generation, and each one allocated there (the value's
     * bytes when written, again when read back) can start a concurrent marking cycle. Unbounded, a flush
     * wrote a key's whole share of the buffer (2,000 records, ~600 KB): in the soak at 103,760 records/s
     * every one of the TaskManager's concurrent cycles was started by such an allocation.
     */
    public static final int MAX_RECORDS_PER_WRITE = 256;

    private final InternalListState<?, Long, T> state;
    /** Chunked: the chunks per key and namespace by number, and the first and next number; else null. */
    private final InternalMapState<?, Long, Integer, List<T>> chunks;
    private final InternalValueState<?, Long, Long> chunkRange;
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
        this(state, null, null, keys, backendCopies, maxOnHeap);
    }

    private BatchedListState(InternalListState<?, Long, T> state, InternalMapState<?, Long, Integer, List<T>> chunks,
            InternalValueState<?, Long, Long> chunkRange, KeyContext keys, boolean backendCopies, int maxOnHeap) {
        if (maxOnHeap < 1) {
            throw new IllegalArgumentException("maxOnHeap must be >= 1, got " + maxOnHeap);
        }
        this.state = state;
        this.chunks = chunks;
        this.chunkRange = chunkRange;
        this.keys = keys;
        this.enabled = backendCopies;
        this.maxOnHeap = maxOnHeap;
    }

    /**
     * Batches written in chunks (when {@code backendCopies}; else the list state as the constructor's):
     * {@code state} is still read first, {@code chunks} and {@code chunkRange} are the chunks and each
     * key's and namespace's first and next chunk number.
     */
    public static <T> BatchedListState<T> chunked(InternalListState<?, Long, T> state,
            InternalMapState<?, Long, Integer, List<T>> chunks, InternalValueState<?, Long, Long> chunkRange, KeyContext keys,
            boolean backendCopies, int maxOnHeap) {
        return new BatchedListState<>(state, chunks, chunkRange, keys, backendCopies, maxOnHeap);
    }

    /** A part of a key's list of a namespace, and whether more of it is left. */
    public record Chunk<T>(List<T> records, boolean more) {}

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
        if (chunked()) {
            List<T> out = new ArrayList<>();
            Chunk<T> c;
            do {
                c = takeChunk(namespace);
                out.addAll(c.records());
            } while (c.more());
            return out;
        }
        List<T> out = takeStored(state, namespace);
        ArrayList<T> b = removeBuffer(namespace);
        if (b != null) {
            out.addAll(b);
        }
        return out;
    }

    /** Removes the current key's heap buffer of {@code namespace} and returns it, or null when there is none. */
    private ArrayList<T> removeBuffer(long namespace) {
        ArrayList<T> b = enabled ? buffers.remove(new Slot(keys.getCurrentKey(), namespace)) : null;
        if (b != null) {
            onHeap -= b.size();
        }
        return b;
    }

    /**
     * Removes and returns the first part of the current key's list of {@code namespace}, in the order it
     * was added: chunked, the list state's records, else the first chunk, else the heap's buffer (empty
     * when nothing is left); otherwise all of it ({@link #take}). A part is never empty when more is left.
     */
    public Chunk<T> takeChunk(long namespace) throws Exception {
        if (!chunked()) {
            return new Chunk<>(take(namespace), false);
        }
        chunkRange.setCurrentNamespace(namespace);
        Long range = chunkRange.value();
        int first = range == null ? 0 : first(range);
        int next = range == null ? 0 : next(range);
        boolean buffered = hasOnHeap(namespace);
        if (first == 0) {
            // the list state's records come before every chunk (there are none once a chunk was taken or put back)
            List<T> listed = takeStored(state, namespace);
            if (!listed.isEmpty()) {
                return new Chunk<>(listed, first < next || buffered);
            }
        }
        while (first < next) {
            chunks.setCurrentNamespace(namespace);
            List<T> chunk = chunks.get(first);
            chunks.remove(first);
            first++;
            chunkRange.setCurrentNamespace(namespace);
            if (first == next) {
                chunkRange.clear();
            } else {
                chunkRange.update(range(first, next));
            }
            if (chunk != null && !chunk.isEmpty()) {
                return new Chunk<>(chunk, first < next || buffered);
            }
        }
        if (buffered) {
            return new Chunk<>(removeBuffer(namespace), false);
        }
        return new Chunk<>(List.of(), false);
    }

    /**
     * Puts {@code records}, a part just taken, back in front of what the current key holds for
     * {@code namespace} (a release that cannot be decided yet).
     */
    public void putBack(long namespace, List<T> records) throws Exception {
        if (records.isEmpty()) {
            return;
        }
        if (!chunked()) {
            // a take emptied the list and the heap's buffer: appending is putting in front
            if (enabled) {
                ArrayList<T> b = buffers.computeIfAbsent(new Slot(keys.getCurrentKey(), namespace), s -> new ArrayList<>());
                b.addAll(0, records);
                onHeap += records.size();
            } else {
                state.setCurrentNamespace(namespace);
                state.addAll(records);
            }
            return;
        }
        putChunks(namespace, pieces(records), true);
    }

    /**
     * Writes {@code pieces} as the current key's chunks of {@code namespace}, in their order, before the first
     * ({@code inFront}) or after the last: one read and one write of the key's chunk range for all of them.
     * The pieces may be views: on RocksDB (the only backend with chunks) a put serializes at once.
     */
    private void putChunks(long namespace, List<List<T>> pieces, boolean inFront) throws Exception {
        chunkRange.setCurrentNamespace(namespace);
        Long range = chunkRange.value();
        int first = range == null ? 0 : first(range);
        int next = range == null ? 0 : next(range);
        int number = inFront ? first - pieces.size() : next;
        chunks.setCurrentNamespace(namespace);
        for (int i = 0; i < pieces.size(); i++) {
            chunks.put(number + i, pieces.get(i));
        }
        chunkRange.setCurrentNamespace(namespace);
        chunkRange.update(inFront ? range(number, next) : range(first, next + pieces.size()));
    }

    /** {@code records} in consecutive pieces of at most {@link #MAX_RECORDS_PER_WRITE}, in order (views of it). */
    private static <T> List<List<T>> pieces(List<T> records) {
        List<List<T>> out = new ArrayList<>(records.size() / MAX_RECORDS_PER_WRITE + 1);
        for (int from = 0; from < records.size(); from += MAX_RECORDS_PER_WRITE) {
            out.add(records.subList(from, Math.min(records.size(), from + MAX_RECORDS_PER_WRITE)));
        }
        return out;
    }

    private boolean chunked() {
        return chunks != null && enabled;
    }

    private static long range(int first, int next) {
        return ((long) first << 32) | (next & 0xFFFF_FFFFL);
    }

    private static int first(long range) {
        return (int) (range >> 32);
    }

    private static int next(long range) {
        return (int) range;
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

    /**
     * Writes every buffer to keyed state, one {@code addAll} (chunked: one chunk) per key, namespace and
     * {@link #MAX_RECORDS_PER_WRITE} records, and empties them.
     */
    public void flush() throws Exception {
        if (buffers.isEmpty()) {
            return;
        }
        Object current = keys.getCurrentKey();
        for (Map.Entry<Slot, ArrayList<T>> e : buffers.entrySet()) {
            keys.setCurrentKey(e.getKey().key());
            long namespace = e.getKey().namespace();
            List<List<T>> pieces = pieces(e.getValue());
            if (chunks == null) {
                state.setCurrentNamespace(namespace);
                for (List<T> piece : pieces) {
                    state.addAll(piece);
                }
            } else {
                putChunks(namespace, pieces, false);
            }
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
