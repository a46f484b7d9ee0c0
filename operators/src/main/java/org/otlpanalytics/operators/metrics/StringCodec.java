package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the metrics codecs write strings: {@link #PLAIN} (each string in full, the checkpoint
 * formats) or through a {@link #table() table} that is new for every record, where a string
 * repeated within the record (the tenant and resource of every point of a batch, metric names,
 * attribute keys) is written once and then referred to by its index. Shuffling points one by one
 * spent most of its serialization time writing and reading those repeated strings.
 */
abstract class StringCodec {
    /** Every string in full: a presence flag and modified UTF-8 ({@code writeUTF}). */
    static final StringCodec PLAIN = new StringCodec() {
        @Override
        void writeNullable(DataOutput out, String s) throws IOException {
            VarInts.writeNullableString(out, s);
        }

        @Override
        String readNullable(DataInput in) throws IOException {
            return VarInts.readNullableString(in);
        }

        @Override
        void write(DataOutput out, String s) throws IOException {
            out.writeUTF(s);
        }

        @Override
        String read(DataInput in) throws IOException {
            return in.readUTF();
        }
    };

    abstract void writeNullable(DataOutput out, String s) throws IOException;

    abstract String readNullable(DataInput in) throws IOException;

    /** Writes a string that is never null. */
    abstract void write(DataOutput out, String s) throws IOException;

    abstract String read(DataInput in) throws IOException;

    /** A fresh table for one record (use the same kind of table to read it). */
    static StringCodec table() {
        return new Table();
    }

    /** Varint 0 = null, 1 = a new string follows (and gets the next index), n >= 2 = the string of index n - 2. */
    private static final class Table extends StringCodec {
        private Map<String, Integer> written;
        private List<String> read;

        @Override
        void writeNullable(DataOutput out, String s) throws IOException {
            if (s == null) {
                VarInts.writeVarLong(out, 0);
                return;
            }
            if (written == null) {
                written = new HashMap<>();
            }
            Integer i = written.get(s);
            if (i != null) {
                VarInts.writeVarLong(out, i + 2L);
                return;
            }
            written.put(s, written.size());
            VarInts.writeVarLong(out, 1);
            out.writeUTF(s);
        }

        @Override
        String readNullable(DataInput in) throws IOException {
            long tag = VarInts.readVarLong(in);
            if (tag == 0) {
                return null;
            }
            if (read == null) {
                read = new ArrayList<>();
            }
            if (tag == 1) {
                String s = in.readUTF();
                read.add(s);
                return s;
            }
            if (tag - 2 >= read.size()) {
                throw new IOException("string index " + (tag - 2) + " of " + read.size() + " in a metrics record");
            }
            return read.get((int) (tag - 2));
        }

        @Override
        void write(DataOutput out, String s) throws IOException {
            writeNullable(out, s);
        }

        @Override
        String read(DataInput in) throws IOException {
            String s = readNullable(in);
            if (s == null) {
                throw new IOException("a null string where the metrics record has none");
            }
            return s;
        }
    }
}
