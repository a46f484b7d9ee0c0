package org.otlpanalytics.operators.edges;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.SerializerTypeInfo;

/**
 * Wire and state form of an {@link EdgePartial}. Layout, version 1: version byte; tenant, caller
 * URN/name, callee URN/name; one byte of flags (caller virtual, callee virtual); slot start;
 * type mask; the {@link EdgeCalls} counts, durations, samples and Kafka range. Change it only
 * with a new version number and a reader for the old one.
 */
public final class EdgePartialSerializer extends CodecSerializer<EdgePartial> {
    private static final long serialVersionUID = 1L;
    /** The type of partial streams. */
    public static final TypeInformation<EdgePartial> TYPE = new SerializerTypeInfo<>(EdgePartial.class, new EdgePartialSerializer());
    private static final int VERSION = 1;

    @Override
    public EdgePartial createInstance() {
        return new EdgePartial();
    }

    @Override
    protected void write(EdgePartial p, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        PendingSpanSerializer.writeString(out, p.tenant);
        PendingSpanSerializer.writeString(out, p.callerUrn);
        PendingSpanSerializer.writeString(out, p.callerName);
        PendingSpanSerializer.writeString(out, p.calleeUrn);
        PendingSpanSerializer.writeString(out, p.calleeName);
        out.writeByte((p.callerVirtual ? 1 : 0) | (p.calleeVirtual ? 2 : 0));
        out.writeLong(p.slotStartMillis);
        out.writeByte(p.calls.typeMask);
        p.calls.writeTail(out);
    }

    @Override
    protected EdgePartial read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown EdgePartial version " + version);
        }
        String tenant = PendingSpanSerializer.readString(in);
        String callerUrn = PendingSpanSerializer.readString(in);
        String callerName = PendingSpanSerializer.readString(in);
        String calleeUrn = PendingSpanSerializer.readString(in);
        String calleeName = PendingSpanSerializer.readString(in);
        int flags = in.readByte();
        long slot = in.readLong();
        int mask = in.readByte();
        EdgePartial p = new EdgePartial(EdgeCalls.readTail(mask, in));
        p.tenant = tenant;
        p.callerUrn = callerUrn;
        p.callerName = callerName;
        p.calleeUrn = calleeUrn;
        p.calleeName = calleeName;
        p.callerVirtual = (flags & 1) != 0;
        p.calleeVirtual = (flags & 2) != 0;
        p.slotStartMillis = slot;
        return p;
    }

    @Override
    public TypeSerializerSnapshot<EdgePartial> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<EdgePartial> {
        public Snapshot() {
            super(EdgePartialSerializer::new);
        }
    }
}
