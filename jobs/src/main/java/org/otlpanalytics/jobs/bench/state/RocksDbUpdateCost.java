package org.otlpanalytics.jobs.bench.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;

/**
 * What one update of a state value costs on RocksDB, measured on a real RocksDB (the library
 * Flink's RocksDB backend ships) the way that backend updates a value or map entry: get the bytes,
 * deserialize with the state's own serializer, serialize again, put (write-ahead log off, as Flink
 * runs it). Bytes read and written come from RocksDB's own statistics ({@code BYTES_READ},
 * {@code BYTES_WRITTEN}: key and value bytes of each get and put).
 */
public final class RocksDbUpdateCost {
    /** Per update: bytes RocksDB read, bytes it was given to write, and microseconds taken. */
    public record Cost(double bytesRead, double bytesWritten, double micros) {}

    private static final long MAX_RESIDENT_BYTES = 16L << 20;
    private static final long TARGET_BYTES = 64L << 20;

    private RocksDbUpdateCost() {}

    /**
     * Updates {@code value} under a set of distinct keys of {@code keyBytes} bytes (as many as fit in
     * 16 MB, at most 1,000), read-modify-write, as often as moves about 64 MB (200 to 5,000 times).
     */
    public static <T> Cost readModifyWrite(TypeSerializer<T> serializer, T value, int keyBytes) {
        return measure(serializer, value, keyBytes, true);
    }

    /** As {@link #readModifyWrite}, but only serialize and put: a value written back at a checkpoint. */
    public static <T> Cost write(TypeSerializer<T> serializer, T value, int keyBytes) {
        return measure(serializer, value, keyBytes, false);
    }

    private static <T> Cost measure(TypeSerializer<T> serializer, T value, int keyBytes, boolean read) {
        RocksDB.loadLibrary();
        byte[] bytes = serialize(serializer, value);
        int keys = (int) Math.max(1, Math.min(1_000, MAX_RESIDENT_BYTES / Math.max(1, bytes.length)));
        int updates = (int) Math.max(200, Math.min(5_000, TARGET_BYTES / Math.max(1, bytes.length)));
        Path dir = null;
        try (Statistics stats = new Statistics();
                Options options = new Options().setCreateIfMissing(true).setStatistics(stats);
                WriteOptions write = new WriteOptions().setDisableWAL(true)) {
            dir = Files.createTempDirectory("otlp-analytics-bench-state-rocksdb");
            try (RocksDB db = RocksDB.open(options, dir.toString())) {
                byte[][] k = new byte[keys][];
                for (int i = 0; i < keys; i++) {
                    k[i] = key(i, keyBytes);
                    db.put(write, k[i], bytes);
                }
                for (int i = 0; i < Math.min(updates, 2 * keys); i++) { // warm-up
                    update(db, write, serializer, k[i % keys], read ? null : value);
                }
                long read0 = stats.getTickerCount(TickerType.BYTES_READ);
                long written0 = stats.getTickerCount(TickerType.BYTES_WRITTEN);
                long t0 = System.nanoTime();
                for (int i = 0; i < updates; i++) {
                    update(db, write, serializer, k[i % keys], read ? null : value);
                }
                long nanos = System.nanoTime() - t0;
                return new Cost((stats.getTickerCount(TickerType.BYTES_READ) - read0) / (double) updates,
                        (stats.getTickerCount(TickerType.BYTES_WRITTEN) - written0) / (double) updates,
                        nanos / 1e3 / updates);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    /** Reads and deserializes the value under {@code key} (unless {@code given}), serializes it and puts it. */
    private static <T> void update(RocksDB db, WriteOptions write, TypeSerializer<T> serializer, byte[] key, T given)
            throws RocksDBException, IOException {
        T v = given != null ? given : serializer.deserialize(new DataInputDeserializer(db.get(key)));
        db.put(write, key, serialize(serializer, v));
    }

    private static <T> byte[] serialize(TypeSerializer<T> serializer, T value) {
        DataOutputSerializer out = new DataOutputSerializer(256);
        try {
            serializer.serialize(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.getCopyOfBuffer();
    }

    /** A distinct key of {@code length} bytes (at least 4). */
    static byte[] key(int i, int length) {
        byte[] k = new byte[Math.max(4, length)];
        k[0] = (byte) (i >>> 24);
        k[1] = (byte) (i >>> 16);
        k[2] = (byte) (i >>> 8);
        k[3] = (byte) i;
        return k;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
