package org.otlpanalytics.operators.red;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/** One RED series in one minute of a service: the map key of the per-series accumulators. */
public final class RedSeriesKey {
    final long bucketStartMillis;
    final String operation;
    final int kind;
    final int status;

    RedSeriesKey(long bucketStartMillis, String operation, int kind, int status) {
        this.bucketStartMillis = bucketStartMillis;
        this.operation = operation;
        this.kind = kind;
        this.status = status;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RedSeriesKey)) {
            return false;
        }
        RedSeriesKey k = (RedSeriesKey) o;
        return bucketStartMillis == k.bucketStartMillis && kind == k.kind && status == k.status && operation.equals(k.operation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucketStartMillis, operation, kind, status);
    }

    @Override
    public String toString() {
        return bucketStartMillis + "/" + operation + "/" + kind + "/" + status;
    }

    /** State form of a key; immutable, so copies are the key itself. */
    public static final class Serializer extends CodecSerializer<RedSeriesKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public RedSeriesKey copy(RedSeriesKey from) {
            return from;
        }

        @Override
        public RedSeriesKey createInstance() {
            return new RedSeriesKey(0, "", 0, 0);
        }

        @Override
        protected void write(RedSeriesKey k, DataOutputView out) throws IOException {
            out.writeLong(k.bucketStartMillis);
            out.writeByte(k.kind);
            out.writeByte(k.status);
            out.writeUTF(k.operation);
        }

        @Override
        protected RedSeriesKey read(DataInputView in) throws IOException {
            long bucket = in.readLong();
            int kind = in.readByte();
            int status = in.readByte();
            return new RedSeriesKey(bucket, in.readUTF(), kind, status);
        }

        @Override
        public TypeSerializerSnapshot<RedSeriesKey> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Serializer snapshot. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<RedSeriesKey> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
