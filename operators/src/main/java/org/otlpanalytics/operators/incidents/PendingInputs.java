package org.otlpanalytics.operators.incidents;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/**
 * Edge, pattern and USE inputs of a resource waiting for the watermark to pass the end of their
 * window, so that every input is judged in event-time order with the service's minutes (an edge
 * window is judged after the minutes it covers, whatever the pipelines' speeds).
 */
final class PendingInputs {
    final List<DetectorInput> inputs;

    PendingInputs() {
        this(new ArrayList<>());
    }

    PendingInputs(List<DetectorInput> inputs) {
        this.inputs = inputs;
    }

    /** Checkpoint form (the fields the detector uses); the format version is the first byte of every value. */
    public static final class Serializer extends CodecSerializer<PendingInputs> {
        private static final long serialVersionUID = 1L;
        static final int VERSION = 1;

        @Override
        public PendingInputs createInstance() {
            return new PendingInputs();
        }

        @Override
        protected void write(PendingInputs p, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeInt(p.inputs.size());
            for (DetectorInput in : p.inputs) {
                out.writeByte(in.type);
                out.writeLong(in.windowStart);
                out.writeLong(in.calls);
                out.writeLong(in.errors);
                writeNullableString(out, in.peerUrn);
                writeNullableString(out, in.peerName);
                out.writeDouble(in.p95Ms);
                out.writeLong(in.fingerprintId);
                out.writeDouble(in.utilization);
                out.writeDouble(in.saturation);
            }
        }

        @Override
        protected PendingInputs read(DataInputView in) throws IOException {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IOException("unknown incident pending-input state version " + version);
            }
            int n = in.readInt();
            List<DetectorInput> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                DetectorInput d = new DetectorInput();
                d.type = in.readByte();
                d.windowStart = in.readLong();
                d.calls = in.readLong();
                d.errors = in.readLong();
                d.peerUrn = readNullableString(in);
                d.peerName = readNullableString(in);
                d.p95Ms = in.readDouble();
                d.fingerprintId = in.readLong();
                d.utilization = in.readDouble();
                d.saturation = in.readDouble();
                list.add(d);
            }
            return new PendingInputs(list);
        }

        @Override
        public TypeSerializerSnapshot<PendingInputs> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Serializer snapshot. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<PendingInputs> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
