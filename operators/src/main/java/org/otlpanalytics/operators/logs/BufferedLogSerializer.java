package org.otlpanalytics.operators.logs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Checkpoint form of a {@link BufferedLog}. The value is immutable, so copies (which the heap state
 * backend makes once per checkpoint) are the instance itself.
 *
 * <p>Version 2 adds the index in the message and, for records kept whole, host, trace and span ids
 * and the attribute maps; version 1 (mining fields only) is still read, as a record that is not
 * whole, with index 0.
 */
public final class BufferedLogSerializer extends CodecSerializer<BufferedLog> {
    private static final long serialVersionUID = 1L;
    static final int VERSION_1 = 1;
    private static final int VERSION = 2;
    private static final int FULL = 1;
    private static final int ATTRIBUTES = 2;
    private static final int RESOURCE_ATTRIBUTES = 4;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public BufferedLog copy(BufferedLog from) {
        return from;
    }

    @Override
    public BufferedLog createInstance() {
        return new BufferedLog(0, 0, 0, 0, null, false, "");
    }

    @Override
    protected void write(BufferedLog r, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(r.timeNanos());
        out.writeInt(r.partition());
        out.writeLong(r.offset());
        out.writeInt(r.indexInMessage());
        out.writeByte(r.severityNumber());
        out.writeBoolean(r.error());
        writeNullableString(out, r.severityText());
        StringCodec.write(out, r.body());
        int flags = (r.full() ? FULL : 0) | (r.attributes() != null ? ATTRIBUTES : 0)
                | (r.resourceAttributes() != null ? RESOURCE_ATTRIBUTES : 0);
        out.writeByte(flags);
        if (r.full()) {
            writeNullableString(out, r.hostName());
            out.writeLong(r.traceIdHi());
            out.writeLong(r.traceIdLo());
            out.writeLong(r.spanId());
        }
        if (r.attributes() != null) {
            writeMap(out, r.attributes());
        }
        if (r.resourceAttributes() != null) {
            writeMap(out, r.resourceAttributes());
        }
    }

    @Override
    protected BufferedLog read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version == VERSION_1) {
            return readVersion1(in);
        }
        if (version != VERSION) {
            throw new IOException("unknown BufferedLog state version " + version);
        }
        long time = in.readLong();
        int partition = in.readInt();
        long offset = in.readLong();
        int index = in.readInt();
        int sev = in.readByte();
        boolean error = in.readBoolean();
        String sevText = readNullableString(in);
        String body = StringCodec.read(in);
        int flags = in.readByte();
        boolean full = (flags & FULL) != 0;
        String host = null;
        long hi = 0;
        long lo = 0;
        long span = 0;
        if (full) {
            host = readNullableString(in);
            hi = in.readLong();
            lo = in.readLong();
            span = in.readLong();
        }
        Map<String, String> attributes = (flags & ATTRIBUTES) != 0 ? readMap(in) : null;
        Map<String, String> resource = (flags & RESOURCE_ATTRIBUTES) != 0 ? readMap(in) : null;
        return new BufferedLog(time, partition, offset, index, sev, sevText, error, body, full, host, hi, lo, span, attributes,
                resource);
    }

    /** The first format: time, partition, offset, severity (number or the rank of its text), error, text, body. */
    private static BufferedLog readVersion1(DataInputView in) throws IOException {
        long time = in.readLong();
        int partition = in.readInt();
        long offset = in.readLong();
        int sev = in.readByte();
        boolean error = in.readBoolean();
        String sevText = readNullableString(in);
        String body = StringCodec.read(in);
        return new BufferedLog(time, partition, offset, sev, sevText, error, body);
    }

    private static void writeMap(DataOutputView out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            StringCodec.writeNullable(out, e.getKey());
            StringCodec.writeNullable(out, e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative map size " + n);
        }
        Map<String, String> m = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            m.put(StringCodec.readNullable(in), StringCodec.readNullable(in));
        }
        return m;
    }

    @Override
    public TypeSerializerSnapshot<BufferedLog> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BufferedLog> {
        public Snapshot() {
            super(BufferedLogSerializer::new);
        }
    }
}
