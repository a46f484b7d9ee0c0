package org.otlpanalytics.operators.logs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Checkpoint form of a {@link BufferedLog}. The value is immutable, so copies (which the heap state
 * backend makes once per checkpoint) are the instance itself.
 */
public final class BufferedLogSerializer extends CodecSerializer<BufferedLog> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    /** Version 1 followed by the rest of the whole record ({@link BufferedLog#record()}). */
    private static final int VERSION_WITH_RECORD = 2;

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
        LogRecordFlat f = r.record();
        out.writeByte(f == null ? VERSION : VERSION_WITH_RECORD);
        out.writeLong(r.timeNanos());
        out.writeInt(r.partition());
        out.writeLong(r.offset());
        out.writeByte(r.severityNumber());
        out.writeBoolean(r.error());
        writeNullableString(out, r.severityText());
        StringCodec.write(out, r.body());
        if (f != null) {
            StringCodec.writeNullable(out, f.tenant);
            StringCodec.writeNullable(out, f.serviceName);
            StringCodec.writeNullable(out, f.serviceNamespace);
            StringCodec.writeNullable(out, f.serviceUrn);
            StringCodec.writeNullable(out, f.hostName);
            out.writeInt(f.severityNumber);
            out.writeLong(f.traceIdHi);
            out.writeLong(f.traceIdLo);
            out.writeLong(f.spanId);
            writeMap(out, f.attributes);
            writeMap(out, f.resourceAttributes);
            out.writeInt(f.indexInMessage);
        }
    }

    private static void writeMap(DataOutputView out, Map<String, String> m) throws IOException {
        out.writeInt(m == null ? -1 : m.size());
        if (m != null) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                StringCodec.writeNullable(out, e.getKey());
                StringCodec.writeNullable(out, e.getValue());
            }
        }
    }

    private static Map<String, String> readMap(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(StringCodec.readNullable(in), StringCodec.readNullable(in));
        }
        return m;
    }

    @Override
    protected BufferedLog read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION && version != VERSION_WITH_RECORD) {
            throw new IOException("unknown BufferedLog state version " + version);
        }
        long time = in.readLong();
        int partition = in.readInt();
        long offset = in.readLong();
        int sev = in.readByte();
        boolean error = in.readBoolean();
        String sevText = readNullableString(in);
        String body = StringCodec.read(in);
        if (version == VERSION) {
            return new BufferedLog(time, partition, offset, sev, sevText, error, body);
        }
        LogRecordFlat f = new LogRecordFlat();
        f.timeNanos = time;
        f.kafkaPartition = partition;
        f.kafkaOffset = offset;
        f.severityText = sevText;
        f.body = body;
        f.tenant = StringCodec.readNullable(in);
        f.serviceName = StringCodec.readNullable(in);
        f.serviceNamespace = StringCodec.readNullable(in);
        f.serviceUrn = StringCodec.readNullable(in);
        f.hostName = StringCodec.readNullable(in);
        f.severityNumber = in.readInt();
        f.traceIdHi = in.readLong();
        f.traceIdLo = in.readLong();
        f.spanId = in.readLong();
        f.attributes = readMap(in);
        f.resourceAttributes = readMap(in);
        f.indexInMessage = in.readInt();
        return new BufferedLog(time, partition, offset, sev, sevText, error, body, f);
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
