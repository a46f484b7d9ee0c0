package org.otlpanalytics.operators.edges;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;
import org.otlpanalytics.operators.common.time.KeyedWindows;

/**
 * What {@link VirtualPeerLimiter} keeps per caller and slot besides the partials: the admitted
 * peers by stable hash (at most the cap) and whether the slot was emitted. Written only when
 * the admitted set changes, not for every partial.
 */
public final class PeerSlot implements KeyedWindows.Window {
    boolean fired;
    /** stable hash -> peer URN, for the admitted peers. */
    final TreeMap<Long, String> admitted = new TreeMap<>();

    @Override
    public boolean fired() {
        return fired;
    }

    @Override
    public void markFired() {
        fired = true;
    }

    /** Checkpoint form, version 1: version byte, fired, count, then (hash, URN) per admitted peer. */
    public static final class Serializer extends CodecSerializer<PeerSlot> {
        private static final long serialVersionUID = 1L;
        private static final int VERSION = 1;

        @Override
        public PeerSlot createInstance() {
            return new PeerSlot();
        }

        @Override
        protected void write(PeerSlot s, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeBoolean(s.fired);
            out.writeInt(s.admitted.size());
            for (Map.Entry<Long, String> e : s.admitted.entrySet()) {
                out.writeLong(e.getKey());
                PendingSpanSerializer.writeString(out, e.getValue());
            }
        }

        @Override
        protected PeerSlot read(DataInputView in) throws IOException {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IOException("unknown PeerSlot state version " + version);
            }
            PeerSlot s = new PeerSlot();
            s.fired = in.readBoolean();
            int n = in.readInt();
            if (n < 0 || n > 10_000_000) {
                throw new IOException("corrupt PeerSlot state: " + n + " peers");
            }
            for (int i = 0; i < n; i++) {
                s.admitted.put(in.readLong(), PendingSpanSerializer.readString(in));
            }
            return s;
        }

        @Override
        public TypeSerializerSnapshot<PeerSlot> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Serializer snapshot; the format version is inside every value. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<PeerSlot> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
