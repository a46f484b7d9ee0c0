package org.otlpanalytics.operators.logs;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.KafkaRange;

/** Checkpoint form of a {@link LogPatternWindow}. */
public final class LogPatternWindowSerializer extends CodecSerializer<LogPatternWindow> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public LogPatternWindow createInstance() {
        return new LogPatternWindow();
    }

    @Override
    protected void write(LogPatternWindow w, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(w.windowStartMillis);
        writeNullableString(out, w.tenant);
        writeNullableString(out, w.serviceName);
        writeNullableString(out, w.serviceNamespace);
        writeNullableString(out, w.serviceUrn);
        out.writeLong(w.fingerprintId);
        out.writeLong(w.countTotal);
        out.writeLong(w.countError);
        out.writeBoolean(w.fired);
        w.range.write(out);
    }

    @Override
    protected LogPatternWindow read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown LogPatternWindow state version " + version);
        }
        LogPatternWindow w = new LogPatternWindow();
        w.windowStartMillis = in.readLong();
        w.tenant = readNullableString(in);
        w.serviceName = readNullableString(in);
        w.serviceNamespace = readNullableString(in);
        w.serviceUrn = readNullableString(in);
        w.fingerprintId = in.readLong();
        w.countTotal = in.readLong();
        w.countError = in.readLong();
        w.fired = in.readBoolean();
        w.range = KafkaRange.read(in);
        return w;
    }

    @Override
    public TypeSerializerSnapshot<LogPatternWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogPatternWindow> {
        public Snapshot() {
            super(LogPatternWindowSerializer::new);
        }
    }
}
