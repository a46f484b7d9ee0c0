package org.otlpanalytics.operators.logs;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Checkpoint form of a {@link BufferedLog}. The value is immutable, so copies (which the heap state
 * backend makes once per checkpoint) are the instance itself.
 */
public final class BufferedLogSerializer extends CodecSerializer<BufferedLog> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

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
        out.writeByte(r.severityNumber());
        out.writeBoolean(r.error());
        writeNullableString(out, r.severityText());
        StringCodec.write(out, r.body());
    }

    @Override
    protected BufferedLog read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown BufferedLog state version " + version);
        }
        long time = in.readLong();
        int partition = in.readInt();
        long offset = in.readLong();
        int sev = in.readByte();
        boolean error = in.readBoolean();
        String sevText = readNullableString(in);
        String body = StringCodec.read(in);
        return new BufferedLog(time, partition, offset, sev, sevText, error, body);
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
