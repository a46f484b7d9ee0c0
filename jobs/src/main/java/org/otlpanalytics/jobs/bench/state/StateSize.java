package org.otlpanalytics.jobs.bench.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jol.info.GraphLayout;

/**
 * The two sizes {@code bench-state} reports for a piece of state: the bytes its real
 * {@link TypeSerializer} writes (what RocksDB stores and what a checkpoint carries), and the heap
 * its object graph takes (what the heap backend and the operators' heap caches hold), measured by
 * JOL from the running JVM's object layout: every object reachable from the roots, each counted
 * once, headers, padding and arrays included.
 */
public final class StateSize {
    /** How heap bytes are measured, printed next to the figures. */
    public static final String HEAP_METHOD = "jol-graph-layout";
    /** How serialized bytes are measured, printed next to the figures. */
    public static final String SERIALIZED_METHOD = "flink-type-serializer";

    private StateSize() {}

    /** The bytes {@code serializer} writes for {@code value}. */
    public static <T> int serializedBytes(TypeSerializer<T> serializer, T value) {
        DataOutputSerializer out = new DataOutputSerializer(256);
        try {
            serializer.serialize(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.length();
    }

    /** The heap taken by every object reachable from {@code roots}, each counted once. */
    public static long heapBytes(Object... roots) {
        return GraphLayout.parseInstance(roots).totalSize();
    }
}
