package org.otlpanalytics.operators.logs;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/** Checkpoint form of a {@link LogStreamInfo}. */
public final class LogStreamInfoSerializer extends CodecSerializer<LogStreamInfo> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public LogStreamInfo createInstance() {
        return new LogStreamInfo(null, null, null, null);
    }

    @Override
    public LogStreamInfo copy(LogStreamInfo from) {
        return new LogStreamInfo(from.tenant, from.serviceName, from.serviceNamespace, from.serviceUrn, new TreeMap<>(from.pending));
    }

    @Override
    protected void write(LogStreamInfo s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        writeNullableString(out, s.tenant);
        writeNullableString(out, s.serviceName);
        writeNullableString(out, s.serviceNamespace);
        writeNullableString(out, s.serviceUrn);
        out.writeInt(s.pending.size());
        for (Map.Entry<Long, Integer> e : s.pending.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue());
        }
    }

    @Override
    protected LogStreamInfo read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown LogStreamInfo state version " + version);
        }
        String tenant = readNullableString(in);
        String name = readNullableString(in);
        String ns = readNullableString(in);
        String urn = readNullableString(in);
        int n = in.readInt();
        TreeMap<Long, Integer> pending = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            pending.put(in.readLong(), in.readInt());
        }
        return new LogStreamInfo(tenant, name, ns, urn, pending);
    }

    @Override
    public TypeSerializerSnapshot<LogStreamInfo> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogStreamInfo> {
        public Snapshot() {
            super(LogStreamInfoSerializer::new);
        }
    }
}
