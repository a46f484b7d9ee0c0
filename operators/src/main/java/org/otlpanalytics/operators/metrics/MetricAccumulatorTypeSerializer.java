package org.otlpanalytics.operators.metrics;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Flink state serializer of {@link MetricAccumulator}; the format, and the reading of every
 * earlier version, is {@link MetricAccumulatorSerializer}'s.
 */
public final class MetricAccumulatorTypeSerializer extends CodecSerializer<MetricAccumulator> {
    private static final long serialVersionUID = 1L;
    private static final MetricAccumulatorSerializer CODEC = new MetricAccumulatorSerializer();

    @Override
    public MetricAccumulator createInstance() {
        return new MetricAccumulator();
    }

    @Override
    protected void write(MetricAccumulator a, DataOutputView out) throws IOException {
        CODEC.serialize(a, out);
    }

    @Override
    protected MetricAccumulator read(DataInputView in) throws IOException {
        return CODEC.deserialize(in);
    }

    @Override
    public TypeSerializerSnapshot<MetricAccumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot; the format version is inside every value. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MetricAccumulator> {
        public Snapshot() {
            super(MetricAccumulatorTypeSerializer::new);
        }
    }
}
