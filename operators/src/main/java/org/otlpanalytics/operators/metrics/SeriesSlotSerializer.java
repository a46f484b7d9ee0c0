package org.otlpanalytics.operators.metrics;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Key serializer of {@link SeriesSlot}: two longs, no version byte (a key's bytes are its
 * identity in RocksDB; a new layout would be a new state).
 */
public final class SeriesSlotSerializer extends CodecSerializer<SeriesSlot> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public SeriesSlot createInstance() {
        return new SeriesSlot(0, 0);
    }

    @Override
    public SeriesSlot copy(SeriesSlot from) {
        return from;
    }

    @Override
    public int getLength() {
        return 16;
    }

    @Override
    protected void write(SeriesSlot s, DataOutputView out) throws IOException {
        out.writeLong(s.minuteStartMillis);
        out.writeLong(s.seriesHash);
    }

    @Override
    protected SeriesSlot read(DataInputView in) throws IOException {
        return new SeriesSlot(in.readLong(), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<SeriesSlot> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesSlot> {
        public Snapshot() {
            super(SeriesSlotSerializer::new);
        }
    }
}
