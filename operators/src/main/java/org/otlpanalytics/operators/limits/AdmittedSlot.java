package org.otlpanalytics.operators.limits;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.time.KeyedWindows;

/**
 * What a {@link CardinalityLimiter} keeps per scope and slot besides the held partials: the
 * admitted members by stable hash (at most the limit) and whether the slot was emitted. Written only when it changes, not for every partial.
 */
public final class AdmittedSlot implements KeyedWindows.Window {
    boolean fired;
    /** stable hash -> member, for the admitted members. */
    final TreeMap<Long, String> admitted = new TreeMap<>();

    @Override
    public boolean fired() {
        return fired;
    }

    @Override
    public void markFired() {
        fired = true;
    }

    /** Checkpoint form, version 1: version byte, fired, count, then (hash, member) per admitted member. */
    public static final class Serializer extends CodecSerializer<AdmittedSlot> {
        private static final long serialVersionUID = 1L;
        private static final int VERSION = 1;

        @Override
        public AdmittedSlot createInstance() {
            return new AdmittedSlot();
        }

        @Override
        protected void write(AdmittedSlot s, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeBoolean(s.fired);
            out.writeInt(s.admitted.size());
            for (Map.Entry<Long, String> e : s.admitted.entrySet()) {
                out.writeLong(e.getKey());
                StringValue.writeString(e.getValue(), out);
            }
        }

        @Override
        protected AdmittedSlot read(DataInputView in) throws IOException {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IOException("unknown AdmittedSlot state version " + version);
            }
            AdmittedSlot s = new AdmittedSlot();
            s.fired = in.readBoolean();
            int n = in.readInt();
            if (n < 0 || n > 10_000_000) {
                throw new IOException("corrupt AdmittedSlot state: " + n + " members");
            }
            for (int i = 0; i < n; i++) {
                s.admitted.put(in.readLong(), StringValue.readString(in));
            }
            return s;
        }

        @Override
        public TypeSerializerSnapshot<AdmittedSlot> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Serializer snapshot; the format version is inside every value. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<AdmittedSlot> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
