package org.otlpanalytics.operators.metrics;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/** Flink state serializer of {@link SeriesState}; the format is {@link SeriesStateSerializer}'s. */
public final class SeriesStateTypeSerializer extends CodecSerializer<SeriesState> {
    private static final long serialVersionUID = 1L;
    private static final SeriesStateSerializer CODEC = new SeriesStateSerializer();

    @Override
    public SeriesState createInstance() {
        return new SeriesState();
    }

    @Override
    protected void write(SeriesState s, DataOutputView out) throws IOException {
        CODEC.serialize(s, out);
    }

    @Override
    protected SeriesState read(DataInputView in) throws IOException {
        return CODEC.deserialize(in);
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesState> {
        public Snapshot() {
            super(SeriesStateTypeSerializer::new);
        }
    }
}
