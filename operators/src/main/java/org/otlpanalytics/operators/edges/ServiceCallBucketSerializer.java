package org.otlpanalytics.operators.edges;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.KafkaRange;

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
        out.writeByte(b.typeMask);
        out.writeBoolean(b.fired);
        out.writeLong(b.calls);
        out.writeLong(b.errors);
        out.writeLong(b.firstSeenMillis);
        out.writeLong(b.lastSeenMillis);
        b.client.write(out);
        b.server.write(out);
        out.writeLong(b.sampleHash);
        out.writeLong(b.sampleHi);
        out.writeLong(b.sampleLo);
        out.writeLong(b.errorSampleHash);
        out.writeLong(b.errorSampleHi);
        out.writeLong(b.errorSampleLo);
        b.range.write(out);
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
        long calls = in.readLong();
        long errors = in.readLong();
        long first = in.readLong();
        long last = in.readLong();
        DurationStats client = DurationStats.read(in);
        DurationStats server = DurationStats.read(in);
        long sampleHash = in.readLong();
        long sampleHi = in.readLong();
        long sampleLo = in.readLong();
        long errorSampleHash = in.readLong();
        long errorSampleHi = in.readLong();
        long errorSampleLo = in.readLong();
        ServiceCallBucket r = new ServiceCallBucket(client, server, KafkaRange.read(in));
        r.sampleHash = sampleHash;
        r.sampleHi = sampleHi;
        r.sampleLo = sampleLo;
        r.errorSampleHash = errorSampleHash;
        r.errorSampleHi = errorSampleHi;
        r.errorSampleLo = errorSampleLo;
        r.bucketStartMillis = start;
        r.tenant = tenant;
        r.callerUrn = callerUrn;
        r.callerName = callerName;
        r.callerVirtual = callerVirtual;
        r.calleeUrn = calleeUrn;
        r.calleeName = calleeName;
        r.calleeVirtual = calleeVirtual;
        r.typeMask = mask;
        r.fired = fired;
        r.calls = calls;
        r.errors = errors;
        r.firstSeenMillis = first;
        r.lastSeenMillis = last;
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
