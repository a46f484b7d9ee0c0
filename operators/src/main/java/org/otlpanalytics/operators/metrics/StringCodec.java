package org.otlpanalytics.operators.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * How the metrics codecs write strings: {@link #PLAIN} (each string in full, the checkpoint
 * formats) or through a {@link #table() table} that is new for every record, where a string
 * repeated within the record (the tenant and resource of every point of a batch, metric names,
 * attribute keys) is written once and then referred to by its index. Shuffling points one by one
 * spent most of its serialization time writing and reading those repeated strings.
 *
 * <p>A point's attributes go through {@link #writeAttributes}: in the table, a set of keys and
 * values written before in the record (the same series, or another metric with the same labels)
 * is referred to by its index, found by the point's labels hash and checked by comparing the
 * strings, so the strings of a repeated set are neither hashed nor written again (hashing the
 * decoder's fresh attribute strings for the table was the largest cost of the shuffle). A
 * {@link #legacyTable() legacy table} reads records written before attribute sets (MetricBatch
 * format 1).
 */
abstract class StringCodec {
    /** Attributes read per point, at most (a bound against corrupt input). */
    static final int MAX_ATTRIBUTES = 4096;
    private static final String[] NO_STRINGS = new String[0];

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

    /**
     * As {@link #writeNullable(DataOutput, String)}, for a field written once per point ({@code slot}
     * names the field, below {@link #SLOTS}): the same bytes; a table remembers the string object
     * each slot wrote last, so the tenant, resource and service that every point of a resource
     * repeats (the same objects from the decoder) are found without a hash lookup.
     */
    void writeNullable(DataOutput out, String s, int slot) throws IOException {
        writeNullable(out, s);
    }

    /** Fields a point writes through {@link #writeNullable(DataOutput, String, int)}, at most. */
    static final int SLOTS = 8;

    abstract String readNullable(DataInput in) throws IOException;

    /** Writes a string that is never null. */
    abstract void write(DataOutput out, String s) throws IOException;

    abstract String read(DataInput in) throws IOException;

    /** Writes a point's attributes: their count, then each key and value (the table may refer to a set written before). */
    void writeAttributes(DataOutput out, MetricPoint p) throws IOException {
        VarInts.writeVarLong(out, p.attributeKeys.length);
        for (int i = 0; i < p.attributeKeys.length; i++) {
            write(out, p.attributeKeys[i]);
            write(out, p.attributeValues[i]);
        }
    }

    /** Reads what {@link #writeAttributes} wrote into {@code p}'s attribute arrays (never modified afterwards: they may be shared). */
    void readAttributes(DataInput in, MetricPoint p) throws IOException {
        long n = VarInts.readVarLong(in);
        if (n < 0 || n > MAX_ATTRIBUTES) {
            throw new IOException("implausible attribute count " + n + " in MetricPoint");
        }
        p.attributeKeys = n == 0 ? NO_STRINGS : new String[(int) n];
        p.attributeValues = n == 0 ? NO_STRINGS : new String[(int) n];
        for (int i = 0; i < n; i++) {
            p.attributeKeys[i] = read(in);
            p.attributeValues[i] = read(in);
        }
    }

    /** A fresh table for one record (use the same kind of table to read it). */
    static StringCodec table() {
        return new Table(true);
    }

    /** A table as records were written before attribute sets: each point's attributes as strings. */
    static StringCodec legacyTable() {
        return new Table(false);
    }

    /**
     * Strings: varint 0 = null, 1 = a new string follows (and gets the next index), n >= 2 = the
     * string of index n - 2. Attribute sets (when {@code sets}): varint 0 = a new set follows (count,
     * then keys and values as strings) and gets the next set index, n >= 1 = the set of index n - 1.
     */
    private static final class Table extends StringCodec {
        private final boolean sets;
        private Map<String, Integer> written;
        /** Per slot, the string object it wrote last and that string's index. */
        private String[] lastBySlot;
        private int[] indexBySlot;
        private List<String> read;
        /** Labels hash to the index of the last set written with it. */
        private Map<Long, Integer> setByHash;
        private List<MetricPoint> setsWritten;
        private List<MetricPoint> setsRead;

        Table(boolean sets) {
            this.sets = sets;
        }

        @Override
        void writeAttributes(DataOutput out, MetricPoint p) throws IOException {
            if (!sets) {
                super.writeAttributes(out, p);
                return;
            }
            if (setByHash == null) {
                setByHash = new HashMap<>();
                setsWritten = new ArrayList<>();
            }
            Integer i = setByHash.get(p.labelsHash);
            if (i != null) {
                MetricPoint s = setsWritten.get(i);
                // the hash finds it, the strings decide (another set with the same hash is written in full)
                if (Arrays.equals(s.attributeKeys, p.attributeKeys) && Arrays.equals(s.attributeValues, p.attributeValues)) {
                    VarInts.writeVarLong(out, i + 1L);
                    return;
                }
            }
            setByHash.put(p.labelsHash, setsWritten.size());
            setsWritten.add(p);
            VarInts.writeVarLong(out, 0);
            super.writeAttributes(out, p);
        }

        @Override
        void readAttributes(DataInput in, MetricPoint p) throws IOException {
            if (!sets) {
                super.readAttributes(in, p);
                return;
            }
            if (setsRead == null) {
                setsRead = new ArrayList<>();
            }
            long tag = VarInts.readVarLong(in);
            if (tag == 0) {
                super.readAttributes(in, p);
                setsRead.add(p);
                return;
            }
            if (tag - 1 >= setsRead.size() || tag < 0) {
                throw new IOException("attribute set " + (tag - 1) + " of " + setsRead.size() + " in a metrics record");
            }
            MetricPoint s = setsRead.get((int) (tag - 1));
            p.attributeKeys = s.attributeKeys;
            p.attributeValues = s.attributeValues;
        }

        @Override
        void writeNullable(DataOutput out, String s, int slot) throws IOException {
            if (s != null && lastBySlot != null && lastBySlot[slot] == s) {
                VarInts.writeVarLong(out, indexBySlot[slot] + 2L);
                return;
            }
            writeNullable(out, s);
            if (s != null) {
                if (lastBySlot == null) {
                    lastBySlot = new String[SLOTS];
                    indexBySlot = new int[SLOTS];
                }
                lastBySlot[slot] = s;
                indexBySlot[slot] = written.get(s);
            }
        }

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
