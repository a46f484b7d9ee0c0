package org.otlpanalytics.operators.metrics;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/** A state serializer that counts the values it writes: what a state access costs on RocksDB. */
final class CountingSerializer<T> extends CodecSerializer<T> {
    private static final long serialVersionUID = 1L;
    private final CodecSerializer<T> inner;
    private long written;

    CountingSerializer(CodecSerializer<T> inner) {
        this.inner = inner;
    }

    long written() {
        return written;
    }

    @Override
    public T createInstance() {
        return inner.createInstance();
    }

    @Override
    protected void write(T value, DataOutputView out) throws IOException {
        written++;
        inner.serialize(value, out);
    }

    @Override
    protected T read(DataInputView in) throws IOException {
        return inner.deserialize(in);
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this; // the count must see every copy the backend makes
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return inner.snapshotConfiguration();
    }
}
