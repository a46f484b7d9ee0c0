package org.otlpanalytics.operators.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Length-prefixed UTF-8 strings for the log state serializers: unlike {@link DataOutput#writeUTF},
 * not limited to 64 KB of encoded text (a masked template or a sample can be long).
 */
final class StringCodec {
    private StringCodec() {}

    static void write(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static void writeNullable(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            write(out, s);
        }
    }

    static String readNullable(DataInput in) throws IOException {
        return in.readBoolean() ? read(in) : null;
    }
}
