package org.otlpanalytics.operators.metrics;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.KafkaRange;

/** Checkpoint form of a {@link MetricWindow}; a version byte first (1, the only one so far). */
public final class MetricWindowSerializer extends CodecSerializer<MetricWindow> {
    private static final long serialVersionUID = 1L;
    static final int VERSION = 1;
    private static final int MAX_CAP = 1 << 24;

    @Override
    public MetricWindow createInstance() {
        return new MetricWindow();
    }

    @Override
    protected void write(MetricWindow w, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeBoolean(w.fired);
        writeNullableString(out, w.tenant);
        writeNullableString(out, w.resourceUrn);
        writeNullableString(out, w.serviceUrn);
        writeNullableString(out, w.serviceName);
        writeNullableString(out, w.serviceNamespace);
        VarInts.writeVarLong(out, w.admitted);
        out.writeInt(w.capHashes == null ? -1 : w.capHashes.length);
        if (w.capHashes != null) {
            for (long h : w.capHashes) {
                out.writeLong(h);
            }
        }
        w.range.write(out);
    }

    @Override
    protected MetricWindow read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown MetricWindow state version " + version + " (this build reads " + VERSION + ")");
        }
        boolean fired = in.readBoolean();
        String tenant = readNullableString(in);
        String resource = readNullableString(in);
        String serviceUrn = readNullableString(in);
        String serviceName = readNullableString(in);
        String serviceNamespace = readNullableString(in);
        long admitted = VarInts.readVarLong(in);
        int cap = in.readInt();
        if (cap < -1 || cap > MAX_CAP || admitted < 0 || admitted > Integer.MAX_VALUE) {
            throw new IOException("implausible series counts " + admitted + "/" + cap + " in MetricWindow state");
        }
        long[] hashes = null;
        if (cap >= 0) {
            hashes = new long[cap];
            for (int i = 0; i < cap; i++) {
                hashes[i] = in.readLong();
            }
        }
        MetricWindow w = new MetricWindow(KafkaRange.read(in));
        w.fired = fired;
        w.tenant = tenant;
        w.resourceUrn = resource;
        w.serviceUrn = serviceUrn;
        w.serviceName = serviceName;
        w.serviceNamespace = serviceNamespace;
        w.admitted = (int) admitted;
        w.capHashes = hashes;
        return w;
    }

    @Override
    public TypeSerializerSnapshot<MetricWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MetricWindow> {
        public Snapshot() {
            super(MetricWindowSerializer::new);
        }
    }
}
