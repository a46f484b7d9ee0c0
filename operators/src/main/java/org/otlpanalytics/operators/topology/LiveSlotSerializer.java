package org.otlpanalytics.operators.topology;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Checkpoint form of one {@link LiveWindow.Slot}. Layout, version 1: version byte; calls,
 * errors, first and last call, type mask, durations. Change it only with a new version number
 * and a reader for the old one.
 */
public final class LiveSlotSerializer extends CodecSerializer<LiveWindow.Slot> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    @Override
    public LiveWindow.Slot createInstance() {
        return new LiveWindow.Slot();
    }

    @Override
    protected void write(LiveWindow.Slot s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        s.write(out);
    }

    @Override
    protected LiveWindow.Slot read(DataInputView in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown live slot state version " + version);
        }
        return LiveWindow.Slot.read(in);
    }

    @Override
    public TypeSerializerSnapshot<LiveWindow.Slot> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LiveWindow.Slot> {
        public Snapshot() {
            super(LiveSlotSerializer::new);
        }
    }
}
