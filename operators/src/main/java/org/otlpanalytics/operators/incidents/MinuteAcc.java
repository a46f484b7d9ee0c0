package org.otlpanalytics.operators.incidents;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.otlpanalytics.operators.common.CodecSerializer;

/** The SERVER/CONSUMER {@code red_1m} rows of one service in one minute, waiting for the minute to end. */
final class MinuteAcc {
    final List<Row> rows;

    MinuteAcc() {
        this(new ArrayList<>());
    }

    MinuteAcc(List<Row> rows) {
        this.rows = rows;
    }

    /** One row: its series ref, counts, and its KLL sketch (for the service's p95). */
    static final class Row {
        final String ref;
        final long calls;
        final long errors;
        final byte[] kll;

        Row(String ref, long calls, long errors, byte[] kll) {
            this.ref = ref;
            this.calls = calls;
            this.errors = errors;
            this.kll = kll;
        }
    }

    /** Checkpoint form; the format version is the first byte of every value. */
    public static final class Serializer extends CodecSerializer<MinuteAcc> {
        private static final long serialVersionUID = 1L;
        static final int VERSION = 1;

        @Override
        public MinuteAcc createInstance() {
            return new MinuteAcc();
        }

        @Override
        protected void write(MinuteAcc a, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeInt(a.rows.size());
            for (Row r : a.rows) {
                out.writeUTF(r.ref);
                out.writeLong(r.calls);
                out.writeLong(r.errors);
                writeBytes(out, r.kll == null ? new byte[0] : r.kll);
            }
        }

        @Override
        protected MinuteAcc read(DataInputView in) throws IOException {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IOException("unknown incident minute state version " + version);
            }
            int n = in.readInt();
            List<Row> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(new Row(in.readUTF(), in.readLong(), in.readLong(), readBytes(in)));
            }
            return new MinuteAcc(rows);
        }

        @Override
        public TypeSerializerSnapshot<MinuteAcc> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Serializer snapshot. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<MinuteAcc> {
            public Snapshot() {
                super(Serializer::new);
            }
        }
    }
}
