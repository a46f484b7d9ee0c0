package org.otlpanalytics.operators.edges;

import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.SerializerTypeInfo;

/**
 * Shuffle form of a {@link PendingSpanBatch}, never kept in state: each distinct string is written
 * once per batch and then referred to by its number (the halves of a batch repeat a few tenant,
 * service and peer names), times as small deltas, so a half takes about 50 bytes instead of
 * {@link PendingSpanSerializer}'s 110, and reading one decodes no string.
 *
 * <p>Layout, version 1: version byte; varint count; per half: trace id hi, lo, span id, parent
 * span id (8 bytes each); one byte {@code kind | status << 3 | connectionType << 5}; tenant,
 * service name, service URN (string refs); start nanos (8); duration nanos, partition, offset
 * (zig-zag varints); deadline millis minus start millis (zig-zag varint); peer name, peer URN
 * (string refs). A string ref is a varint: 0 null, 1 a new string (varint UTF-8 length, bytes),
 * which takes the batch's next number, {@code 2 + n} the batch's string number {@code n}.
 *
 * <p>Stateful (its string tables), so {@link #duplicate} gives every thread its own.
 */
public final class PendingSpanBatchSerializer extends TypeSerializer<PendingSpanBatch> {
    private static final long serialVersionUID = 1L;
    /** The type of the shuffle from the local pairing to the pairing. */
    public static final TypeInformation<PendingSpanBatch> TYPE =
            new SerializerTypeInfo<>(PendingSpanBatch.class, new PendingSpanBatchSerializer());

    static final int VERSION = 1;
    /** Refuses counts no writer of ours produces, so corrupt bytes cannot allocate gigabytes. */
    private static final int MAX_HALVES = 1 << 24;
    private static final int MAX_STRING_BYTES = 1 << 20;

    private transient StringNumbers numbers;
    private transient Utf8Cache encodings;
    private transient StringCache strings;
    private transient String[] read;

    @Override
    public void serialize(PendingSpanBatch b, DataOutputView out) throws IOException {
        if (numbers == null) {
            numbers = new StringNumbers();
            encodings = new Utf8Cache();
        }
        numbers.clear();
        out.writeByte(VERSION);
        int n = b.size();
        PendingSpanSerializer.writeVarLong(out, n);
        for (int i = 0; i < n; i++) {
            PendingSpan p = b.get(i);
            out.writeLong(p.traceIdHi());
            out.writeLong(p.traceIdLo());
            out.writeLong(p.spanId());
            out.writeLong(p.parentSpanId());
            out.writeByte((p.kind() & 0x7) | (p.statusCode() & 0x3) << 3 | (p.connectionType().code() & 0x3) << 5);
            writeRef(out, p.tenant());
            writeRef(out, p.serviceName());
            writeRef(out, p.serviceUrn());
            out.writeLong(p.startTimeNanos());
            PendingSpanSerializer.writeVarLong(out, zigZag(p.durationNanos()));
            PendingSpanSerializer.writeVarLong(out, zigZag(p.kafkaPartition()));
            PendingSpanSerializer.writeVarLong(out, zigZag(p.kafkaOffset()));
            PendingSpanSerializer.writeVarLong(out, zigZag(p.deadlineMillis() - EdgeMatcher.startMillis(p)));
            writeRef(out, p.peerName());
            writeRef(out, p.peerUrn());
        }
    }

    private void writeRef(DataOutputView out, String s) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        int known = numbers.numberOf(s);
        if (known >= 0) {
            PendingSpanSerializer.writeVarLong(out, 2L + known);
            return;
        }
        out.writeByte(1);
        byte[] b = encodings.encode(s);
        PendingSpanSerializer.writeVarLong(out, b.length);
        out.write(b);
    }

    @Override
    public PendingSpanBatch deserialize(DataInputView in) throws IOException {
        if (strings == null) {
            strings = new StringCache();
            read = new String[64];
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown PendingSpanBatch version " + version);
        }
        long n = PendingSpanSerializer.readVarLong(in);
        if (n < 1 || n > MAX_HALVES) {
            throw new IOException("corrupt PendingSpanBatch: " + n + " halves");
        }
        int[] known = {0};
        PendingSpan[] halves = new PendingSpan[(int) n];
        for (int i = 0; i < n; i++) {
            long traceHi = in.readLong();
            long traceLo = in.readLong();
            long spanId = in.readLong();
            long parentId = in.readLong();
            int packed = in.readUnsignedByte();
            ConnectionType type;
            try {
                type = ConnectionType.fromCode(packed >>> 5 & 0x3);
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt PendingSpanBatch: " + e.getMessage(), e);
            }
            String tenant = readRef(in, known);
            String service = readRef(in, known);
            String urn = readRef(in, known);
            long start = in.readLong();
            long duration = unZigZag(PendingSpanSerializer.readVarLong(in));
            int partition = (int) unZigZag(PendingSpanSerializer.readVarLong(in));
            long offset = unZigZag(PendingSpanSerializer.readVarLong(in));
            long deadline = Math.floorDiv(start, 1_000_000L) + unZigZag(PendingSpanSerializer.readVarLong(in));
            String peerName = readRef(in, known);
            String peerUrn = readRef(in, known);
            halves[i] = new PendingSpan(traceHi, traceLo, spanId, parentId, packed & 0x7, packed >>> 3 & 0x3, type,
                    tenant, service, urn, start, duration, partition, offset, deadline, peerName, peerUrn);
        }
        return new PendingSpanBatch(halves);
    }

    private String readRef(DataInputView in, int[] known) throws IOException {
        long ref = PendingSpanSerializer.readVarLong(in);
        if (ref == 0) {
            return null;
        }
        if (ref == 1) {
            long len = PendingSpanSerializer.readVarLong(in);
            if (len > MAX_STRING_BYTES) {
                throw new IOException("corrupt PendingSpanBatch: string of " + len + " bytes");
            }
            String s = strings.read(in, (int) len);
            if (known[0] == read.length) {
                read = Arrays.copyOf(read, read.length * 2);
            }
            read[known[0]++] = s;
            return s;
        }
        if (ref - 2 >= known[0]) {
            throw new IOException("corrupt PendingSpanBatch: string ref " + (ref - 2) + " of " + known[0]);
        }
        return read[(int) (ref - 2)];
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    @Override
    public PendingSpanBatch deserialize(PendingSpanBatch reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<PendingSpanBatch> duplicate() {
        return new PendingSpanBatchSerializer();
    }

    /** No meaningful empty batch exists; Flink only asks for one on reuse paths, which immutables skip. */
    @Override
    public PendingSpanBatch createInstance() {
        return null;
    }

    @Override
    public PendingSpanBatch copy(PendingSpanBatch from) {
        return from;
    }

    @Override
    public PendingSpanBatch copy(PendingSpanBatch from, PendingSpanBatch reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof PendingSpanBatchSerializer;
    }

    @Override
    public int hashCode() {
        return PendingSpanBatchSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<PendingSpanBatch> snapshotConfiguration() {
        return new PendingSpanBatchSerializerSnapshot();
    }

    /** Snapshot of the shuffle serializer (never part of a checkpoint's state; Flink asks for one anyway). */
    public static final class PendingSpanBatchSerializerSnapshot extends SimpleTypeSerializerSnapshot<PendingSpanBatch> {
        public PendingSpanBatchSerializerSnapshot() {
            super(PendingSpanBatchSerializer::new);
        }
    }

    /**
     * The numbers a batch gave its strings so far: a small open-addressing table, found by identity
     * first (a source subtask's halves share their string instances, {@link CanonicalStrings}).
     */
    static final class StringNumbers {
        private String[] keys = new String[64];
        private int[] values = new int[64];
        private int size;

        void clear() {
            if (size > 0) {
                Arrays.fill(keys, null);
                size = 0;
            }
        }

        /** The number of {@code s}, or -1 after giving it the next number. */
        int numberOf(String s) {
            int mask = keys.length - 1;
            int h = s.hashCode();
            int i = (h ^ (h >>> 16)) & mask;
            for (String k; (k = keys[i]) != null; i = (i + 1) & mask) {
                if (k == s || k.equals(s)) {
                    return values[i];
                }
            }
            keys[i] = s;
            values[i] = size++;
            if (size * 2 > keys.length) {
                grow();
            }
            return -1;
        }

        private void grow() {
            String[] oldKeys = keys;
            int[] oldValues = values;
            keys = new String[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                String k = oldKeys[j];
                if (k != null) {
                    int h = k.hashCode();
                    int i = (h ^ (h >>> 16)) & mask;
                    while (keys[i] != null) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = k;
                    values[i] = oldValues[j];
                }
            }
        }
    }
}
