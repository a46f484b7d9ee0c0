package org.otlpanalytics.operators.edges;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.SerializerTypeInfo;

/**
 * State form of a {@link PendingSpan}: about 110 bytes for a typical half (ids and times fixed,
 * small numbers as varints, strings as length-prefixed UTF-8 of any length). The static
 * {@link #write}/{@link #read} need only {@code java.io}; the Flink {@code TypeSerializer} around
 * them lets the operator declare {@code MapState<Long, PendingSpan>} with this serializer.
 *
 * <p>Layout, version 1: version byte; trace id hi, lo, span id, parent span id (8 bytes each);
 * one byte {@code kind | status << 3 | connectionType << 5}; tenant, service name, service URN;
 * start nanos (8); duration nanos, partition, offset (zig-zag varints); deadline millis (8);
 * peer name, peer URN (nullable). A string is a varint of UTF-8 length + 1 (0 for null), then
 * the bytes. Change the layout only with a new version number and a reader for the old one.
 */
public final class PendingSpanSerializer extends TypeSerializerSingleton<PendingSpan> {
    private static final long serialVersionUID = 1L;
    public static final PendingSpanSerializer INSTANCE = new PendingSpanSerializer();
    /** The type of streams of halves (the shuffle to the pairing): the same layout, strings read through a {@link StringCache}. */
    public static final TypeInformation<PendingSpan> TYPE = new SerializerTypeInfo<>(PendingSpan.class, new Wire());

    static final int VERSION = 1;
    /** Refuses lengths no writer of ours produces, so a corrupt state cannot allocate gigabytes. */
    private static final int MAX_STRING_BYTES = 1 << 20;

    public static void write(PendingSpan p, DataOutput out) throws IOException {
        write(p, out, null);
    }

    /** Writes a half, taking its strings' encodings from {@code encodings} when it is not null (the same bytes). */
    static void write(PendingSpan p, DataOutput out, Utf8Cache encodings) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(p.traceIdHi());
        out.writeLong(p.traceIdLo());
        out.writeLong(p.spanId());
        out.writeLong(p.parentSpanId());
        out.writeByte((p.kind() & 0x7) | (p.statusCode() & 0x3) << 3 | (p.connectionType().code() & 0x3) << 5);
        writeString(out, p.tenant(), encodings);
        writeString(out, p.serviceName(), encodings);
        writeString(out, p.serviceUrn(), encodings);
        out.writeLong(p.startTimeNanos());
        writeVarLong(out, zigZag(p.durationNanos()));
        writeVarLong(out, zigZag(p.kafkaPartition()));
        writeVarLong(out, zigZag(p.kafkaOffset()));
        out.writeLong(p.deadlineMillis());
        writeString(out, p.peerName(), encodings);
        writeString(out, p.peerUrn(), encodings);
    }

    public static PendingSpan read(DataInput in) throws IOException {
        return read(in, null);
    }

    /** Reads a half, taking its strings from {@code strings} when it is not null. */
    static PendingSpan read(DataInput in, StringCache strings) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown PendingSpan state version " + version);
        }
        long traceHi = in.readLong();
        long traceLo = in.readLong();
        long spanId = in.readLong();
        long parentId = in.readLong();
        int packed = in.readUnsignedByte();
        ConnectionType type;
        try {
            type = ConnectionType.fromCode(packed >>> 5 & 0x3);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt PendingSpan state: " + e.getMessage(), e);
        }
        String tenant = readString(in, strings);
        String service = readString(in, strings);
        String urn = readString(in, strings);
        long start = in.readLong();
        long duration = unZigZag(readVarLong(in));
        int partition = (int) unZigZag(readVarLong(in));
        long offset = unZigZag(readVarLong(in));
        long deadline = in.readLong();
        String peerName = readString(in, strings);
        String peerUrn = readString(in, strings);
        return new PendingSpan(traceHi, traceLo, spanId, parentId, packed & 0x7, packed >>> 3 & 0x3, type,
                tenant, service, urn, start, duration, partition, offset, deadline, peerName, peerUrn);
    }

    static void writeString(DataOutput out, String s) throws IOException {
        writeString(out, s, null);
    }

    static void writeString(DataOutput out, String s, Utf8Cache encodings) throws IOException {
        if (s == null) {
            writeVarLong(out, 0);
            return;
        }
        byte[] b = encodings != null ? encodings.encode(s) : s.getBytes(StandardCharsets.UTF_8);
        writeVarLong(out, b.length + 1L);
        out.write(b);
    }

    static String readString(DataInput in) throws IOException {
        return readString(in, null);
    }

    static String readString(DataInput in, StringCache strings) throws IOException {
        long n = readVarLong(in);
        if (n == 0) {
            return null;
        }
        if (n - 1 > MAX_STRING_BYTES) {
            throw new IOException("corrupt PendingSpan state: string of " + (n - 1) + " bytes");
        }
        if (strings != null) {
            return strings.read(in, (int) (n - 1));
        }
        byte[] b = new byte[(int) (n - 1)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static void writeVarLong(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("corrupt PendingSpan state: varint longer than 10 bytes");
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    // --- Flink TypeSerializer ---

    @Override
    public boolean isImmutableType() {
        return true;
    }

    /** No meaningful empty half exists; Flink only asks for one on reuse paths, which immutables skip. */
    @Override
    public PendingSpan createInstance() {
        return null;
    }

    @Override
    public PendingSpan copy(PendingSpan from) {
        return from;
    }

    @Override
    public PendingSpan copy(PendingSpan from, PendingSpan reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(PendingSpan record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public PendingSpan deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public PendingSpan deserialize(PendingSpan reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override
    public TypeSerializerSnapshot<PendingSpan> snapshotConfiguration() {
        return new PendingSpanSerializerSnapshot();
    }

    /** Restores the singleton; the record layout is versioned inside each value. */
    public static final class PendingSpanSerializerSnapshot extends SimpleTypeSerializerSnapshot<PendingSpan> {
        public PendingSpanSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }

    /**
     * The serializer of the shuffle: this layout, with the strings of each thread's records read
     * through a {@link StringCache} and written through a {@link Utf8Cache}. Stateful, so {@link #duplicate} gives every thread its own.
     */
    public static final class Wire extends org.apache.flink.api.common.typeutils.TypeSerializer<PendingSpan> {
        private static final long serialVersionUID = 1L;
        private transient StringCache strings;
        private transient Utf8Cache encodings;

        private StringCache strings() {
            if (strings == null) {
                strings = new StringCache();
            }
            return strings;
        }

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public org.apache.flink.api.common.typeutils.TypeSerializer<PendingSpan> duplicate() {
            return new Wire();
        }

        @Override
        public PendingSpan createInstance() {
            return null;
        }

        @Override
        public PendingSpan copy(PendingSpan from) {
            return from;
        }

        @Override
        public PendingSpan copy(PendingSpan from, PendingSpan reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(PendingSpan record, DataOutputView target) throws IOException {
            if (encodings == null) {
                encodings = new Utf8Cache();
            }
            write(record, target, encodings);
        }

        @Override
        public PendingSpan deserialize(DataInputView source) throws IOException {
            return read(source, strings());
        }

        @Override
        public PendingSpan deserialize(PendingSpan reuse, DataInputView source) throws IOException {
            return read(source, strings());
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            write(read(source, strings()), target);
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof Wire;
        }

        @Override
        public int hashCode() {
            return Wire.class.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<PendingSpan> snapshotConfiguration() {
            return new WireSnapshot();
        }
    }

    /** Snapshot of the shuffle serializer (never part of a checkpoint; Flink asks for one anyway). */
    public static final class WireSnapshot extends SimpleTypeSerializerSnapshot<PendingSpan> {
        public WireSnapshot() {
            super(Wire::new);
        }
    }
}
