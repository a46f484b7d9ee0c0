package org.otlpanalytics.operators.logs;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * The streams of one {@link LogFingerprinter} subtask kept on the heap between checkpoints: each
 * (tenant, service)'s {@link LogStreamInfo} and {@link LogMinerState}, written back to keyed state
 * only at checkpoints (for the streams changed since the last one) and when a stream leaves the
 * cache.
 *
 * <p><b>Why.</b> On RocksDB, production's state backend, every {@code value()} and {@code update()}
 * of a value state serializes the whole value: the Drain tree and dictionary of a service (up to
 * {@link DrainOptions#maxClusters()} patterns) were read and written for every second mined, and the
 * stream's info for every record. Here a mined second costs what mining it changes, and the tree is
 * serialized once per checkpoint interval at most.
 *
 * <p><b>Bounded.</b> Streams are kept in least-recently-used order up to
 * {@link LogPatternOptions#cacheMaxPatterns()} patterns in all (a stream weighs 1 + its patterns);
 * beyond it the least recently used are written back and dropped ({@code streamsUncached}), and read
 * again from keyed state when next needed.
 *
 * <p><b>Layout.</b> The mining state is kept as {@link LogMinerEntries}: an index value and one map
 * entry per fingerprint; a write puts the index and only the entries whose bytes differ from those
 * last written or read (compared by an MD5 digest kept per entry), and removes the entries of
 * fingerprints gone. A stream whose state is still in the old one-value layout ({@code log-miner-state},
 * up to 0.1) is read from it, and moved: the old value is cleared and the stream marked changed, so
 * the next write puts it in the new layout.
 *
 * <p><b>Heap backend.</b> The heap backend keeps the objects it is given and snapshots them
 * asynchronously, so there the cache never shares an object with the state: it reads a copy and
 * writes a copy (RocksDB serializes on both, so objects are handed over as they are). The mining
 * state is handed over as fresh byte arrays, never changed afterwards.
 */
final class LogStreamCache {
    private final ValueState<LogStreamInfo> infoState;
    private final ValueState<LogMinerState> oldMinerState;
    private final ValueState<byte[]> minerIndex;
    private final MapState<Long, byte[]> minerEntries;
    private final LogStreamInfoSerializer infoSerializer = new LogStreamInfoSerializer();
    private final LogMinerStateSerializer minerSerializer = new LogMinerStateSerializer();
    private final KeyContext keys;
    private final boolean backendCopies;
    private final long maxWeight;
    private final Counter uncached;
    private final LinkedHashMap<String, LogStream> streams = new LinkedHashMap<>(64, 0.75f, true);
    private long weight;
    private long entryBytesWritten;

    /**
     * @param backendCopies whether the state backend copies values on every access
     *     ({@code KeyedStateBackend#isSafeToReuseKVState()}: RocksDB), so objects can be handed over
     */
    LogStreamCache(ValueState<LogStreamInfo> infoState, ValueState<LogMinerState> oldMinerState, ValueState<byte[]> minerIndex,
            MapState<Long, byte[]> minerEntries, KeyContext keys, boolean backendCopies, long maxWeight, Counter uncached) {
        this.infoState = infoState;
        this.oldMinerState = oldMinerState;
        this.minerIndex = minerIndex;
        this.minerEntries = minerEntries;
        this.keys = keys;
        this.backendCopies = backendCopies;
        this.maxWeight = maxWeight;
        this.uncached = uncached;
    }

    /** The stream of {@code key}, which must be the current key; null if it has none. */
    LogStream get(String key) throws Exception {
        LogStream s = streams.get(key);
        if (s != null) {
            return s;
        }
        LogStreamInfo info = infoState.value();
        if (info == null) {
            return null;
        }
        LogStream read = new LogStream(key, backendCopies ? info : infoSerializer.copy(info), null);
        s = read;
        byte[] index = minerIndex.value();
        if (index != null) {
            s.miner = LogMinerEntries.read(index, id -> {
                byte[] bytes = minerEntries.get(id);
                if (bytes != null) {
                    read.written.put(id, digest(bytes));
                }
                return bytes;
            });
        } else {
            LogMinerState old = oldMinerState.value();
            if (old != null) {
                // moved to the new layout at the next write; until then the checkpoint would miss it, so mark it
                s.miner = backendCopies ? old : minerSerializer.copy(old);
                oldMinerState.clear();
                s.minerDirty = true;
            }
        }
        add(s);
        return s;
    }

    /** Starts the stream of {@code key} (the current key). */
    LogStream create(String key, LogStreamInfo info) throws Exception {
        LogStream s = new LogStream(key, info, null);
        s.infoDirty = true;
        add(s);
        return s;
    }

    /** Notes that the stream's info changed. */
    void infoChanged(LogStream s) {
        s.infoDirty = true;
    }

    /** Notes that the stream's tree or dictionary changed (also its size, which bounds the cache). */
    void minerChanged(LogStream s) throws Exception {
        s.minerDirty = true;
        long w = s.weight();
        weight += w - s.weight;
        s.weight = w;
        evict();
    }

    /** Forgets the stream of {@code key} (the current key), in the cache and in keyed state. */
    void remove(String key) throws Exception {
        LogStream s = streams.remove(key);
        if (s != null) {
            weight -= s.weight;
        }
        infoState.clear();
        oldMinerState.clear();
        minerIndex.clear();
        minerEntries.clear();
    }

    /** Forgets the tree and dictionary of a stream (the current key's); its info stays. */
    void dropMiner(LogStream s) throws Exception {
        s.miner = null;
        s.minerDirty = true;
        long w = s.weight();
        weight += w - s.weight;
        s.weight = w;
    }

    /** Writes every stream changed since the last call to keyed state (at a checkpoint). */
    void flush() throws Exception {
        Object current = keys.getCurrentKey();
        boolean switched = false;
        for (LogStream s : streams.values()) {
            if (s.infoDirty || s.minerDirty) {
                keys.setCurrentKey(s.key);
                switched = true;
                write(s, !backendCopies);
            }
        }
        if (switched && current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** Streams on the heap now (for tests and gauges). */
    int size() {
        return streams.size();
    }

    private void add(LogStream s) throws Exception {
        s.weight = s.weight();
        weight += s.weight;
        streams.put(s.key, s);
        evict();
    }

    /** Drops least recently used streams (never the last one) while the cache weighs more than its cap. */
    private void evict() throws Exception {
        if (weight <= maxWeight || streams.size() <= 1) {
            return;
        }
        Object current = keys.getCurrentKey();
        boolean switched = false;
        Iterator<Map.Entry<String, LogStream>> it = streams.entrySet().iterator();
        while (weight > maxWeight && streams.size() > 1 && it.hasNext()) {
            LogStream s = it.next().getValue();
            if (s.key.equals(current)) {
                continue;
            }
            if (s.infoDirty || s.minerDirty) {
                keys.setCurrentKey(s.key);
                switched = true;
                write(s, false); // no longer used here, so the backend may keep it as it is
            }
            it.remove();
            weight -= s.weight;
            uncached.inc();
        }
        if (switched && current != null) {
            keys.setCurrentKey(current);
        }
    }

    private void write(LogStream s, boolean copy) throws Exception {
        if (s.infoDirty) {
            infoState.update(copy ? infoSerializer.copy(s.info) : s.info);
            s.infoDirty = false;
        }
        if (s.minerDirty) {
            if (s.miner == null) {
                minerIndex.clear();
                minerEntries.clear();
                s.written.clear();
            } else {
                writeMiner(s);
            }
            s.minerDirty = false;
        }
    }

    /** Puts the index and the entries that changed since last written or read; removes those gone. */
    private void writeMiner(LogStream s) throws Exception {
        LogMinerEntries.Written w = LogMinerEntries.write(s.miner);
        Map<Long, byte[]> written = new HashMap<>(Math.max(16, w.entries().size() * 2));
        for (Map.Entry<Long, byte[]> e : w.entries().entrySet()) {
            byte[] d = digest(e.getValue());
            byte[] before = s.written.remove(e.getKey());
            if (before == null || !Arrays.equals(before, d)) {
                minerEntries.put(e.getKey(), e.getValue());
                entryBytesWritten += e.getValue().length;
            }
            written.put(e.getKey(), d);
        }
        for (Long gone : s.written.keySet()) {
            minerEntries.remove(gone);
        }
        s.written = written;
        minerIndex.update(w.index());
        entryBytesWritten += w.index().length;
    }

    private static byte[] digest(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("MD5").digest(bytes);
    }

    /** Mining state bytes put to keyed state so far (index and entries), for the benchmark. */
    long minerBytesWritten() {
        return entryBytesWritten;
    }

    /** One (tenant, service) on the heap: its info and mining state, and what changed since written. */
    static final class LogStream {
        final String key;
        final LogStreamInfo info;
        LogMinerState miner;
        /** Digest of each entry as keyed state holds it. */
        Map<Long, byte[]> written = new HashMap<>();
        boolean infoDirty;
        boolean minerDirty;
        long weight;

        LogStream(String key, LogStreamInfo info, LogMinerState miner) {
            this.key = key;
            this.info = info;
            this.miner = miner;
        }

        long weight() {
            return 1L + (miner == null ? 0 : miner.patternCount());
        }
    }
}
