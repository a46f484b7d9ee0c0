package org.otlpanalytics.operators.red;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.KafkaRange;

/** Checkpoint form of a {@link RedWindow}; the format version is the first byte of every value. */
public final class RedWindowSerializer extends CodecSerializer<RedWindow> {
    private static final long serialVersionUID = 1L;
    static final int VERSION = 1;

    @Override
    public RedWindow createInstance() {
        return new RedWindow();
    }

    @Override
    protected void write(RedWindow w, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        writeNullableString(out, w.tenant);
        writeNullableString(out, w.serviceName);
        writeNullableString(out, w.serviceNamespace);
        writeNullableString(out, w.serviceUrn);
        out.writeBoolean(w.fired);
        out.writeLong(w.foldedSpans);
        w.range.write(out);
    }

    @Override
    protected RedWindow read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown RedWindow state version " + version + " (this build reads " + VERSION + ")");
        }
        String tenant = readNullableString(in);
        String name = readNullableString(in);
        String ns = readNullableString(in);
        String urn = readNullableString(in);
        boolean fired = in.readBoolean();
        long folded = in.readLong();
        RedWindow w = new RedWindow(KafkaRange.read(in));
        w.tenant = tenant;
        w.serviceName = name;
        w.serviceNamespace = ns;
        w.serviceUrn = urn;
        w.fired = fired;
        w.foldedSpans = folded;
        return w;
    }

    @Override
    public TypeSerializerSnapshot<RedWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RedWindow> {
        public Snapshot() {
            super(RedWindowSerializer::new);
        }
    }
}
