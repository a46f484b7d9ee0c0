package org.otlpanalytics.operators.edges;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Checkpoint form of a {@link ServiceCallBucket}. Layout, version 1: version byte, bucket start,
 * tenant, caller URN/name/virtual, callee URN/name/virtual, type mask, fired, calls, errors,
 * first/last seen, both {@link DurationStats}, the two samples, the Kafka range. Change it only
 * with a new version number and a reader for the old one.
 */
public final class ServiceCallBucketSerializer extends CodecSerializer<ServiceCallBucket> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public ServiceCallBucket createInstance() {
        return new ServiceCallBucket();
    }

    @Override
    protected void write(ServiceCallBucket b, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(b.bucketStartMillis);
        PendingSpanSerializer.writeString(out, b.tenant);
        PendingSpanSerializer.writeString(out, b.callerUrn);
        PendingSpanSerializer.writeString(out, b.callerName);
        out.writeBoolean(b.callerVirtual);
        PendingSpanSerializer.writeString(out, b.calleeUrn);
        PendingSpanSerializer.writeString(out, b.calleeName);
        out.writeBoolean(b.calleeVirtual);
        out.writeByte(b.calls.typeMask);
        out.writeBoolean(b.fired);
        b.calls.writeTail(out);
    }

    @Override
    protected ServiceCallBucket read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown ServiceCallBucket state version " + version);
        }
        long start = in.readLong();
        String tenant = PendingSpanSerializer.readString(in);
        String callerUrn = PendingSpanSerializer.readString(in);
        String callerName = PendingSpanSerializer.readString(in);
        boolean callerVirtual = in.readBoolean();
        String calleeUrn = PendingSpanSerializer.readString(in);
        String calleeName = PendingSpanSerializer.readString(in);
        boolean calleeVirtual = in.readBoolean();
        int mask = in.readByte();
        boolean fired = in.readBoolean();
        ServiceCallBucket r = new ServiceCallBucket(EdgeCalls.readTail(mask, in));
        r.bucketStartMillis = start;
        r.tenant = tenant;
        r.callerUrn = callerUrn;
        r.callerName = callerName;
        r.callerVirtual = callerVirtual;
        r.calleeUrn = calleeUrn;
        r.calleeName = calleeName;
        r.calleeVirtual = calleeVirtual;
        r.fired = fired;
        return r;
    }

    @Override
    public TypeSerializerSnapshot<ServiceCallBucket> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ServiceCallBucket> {
        public Snapshot() {
            super(ServiceCallBucketSerializer::new);
        }
    }
}
