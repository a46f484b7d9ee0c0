package org.otlpanalytics.operators.red;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/** Checkpoint form of a {@link RedAccumulator}; the format version is the first byte of every value. */
public final class RedAccumulatorSerializer extends CodecSerializer<RedAccumulator> {
    private static final long serialVersionUID = 1L;
    /** 2: with the span dimensions' counts; 1 (before them) is still read. */
    static final int VERSION = 2;

    @Override
    public RedAccumulator createInstance() {
        return new RedAccumulator(11);
    }

    @Override
    protected void write(RedAccumulator a, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        a.write(out);
    }

    @Override
    protected RedAccumulator read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown RedAccumulator state version " + version + " (this build reads 1.." + VERSION + ")");
        }
        return RedAccumulator.read(in, version);
    }

    @Override
    public TypeSerializerSnapshot<RedAccumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RedAccumulator> {
        public Snapshot() {
            super(RedAccumulatorSerializer::new);
        }
    }
}
