package org.otlpanalytics.schemas;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Repairs invalid UTF-8 in the string fields of a protobuf message, so that one bad byte in one
 * attribute does not cost the whole message. Protobuf-java rejects a proto3 message whose string
 * fields are not valid UTF-8, but OpenTelemetry Collectors (Go) do not check what they forward:
 * a log line read from a file in another encoding arrives as it was. Guided by the message's
 * descriptor, this rewrites every string field with each invalid sequence replaced by U+FFFD
 * (Java's decoder rules) and copies every other field byte for byte; unknown fields are copied.
 * Used only after a parse failed for that reason, so valid messages pay nothing.
 */
public final class Utf8Repair {
    /** Nesting limit, as the decoders' protobuf recursion limit. */
    static final int MAX_DEPTH = 64;

    private Utf8Repair() {}

    /** Whether a parse failure is protobuf's invalid-UTF-8 rejection. */
    public static boolean isInvalidUtf8(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("invalid UTF-8")) {
                return true;
            }
        }
        return false;
    }

    /** The message re-encoded with valid UTF-8 in every string field of {@code type} and its sub-messages. */
    public static byte[] repair(byte[] message, Descriptor type) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.length + 16);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        copy(CodedInputStream.newInstance(message), type, out, 0);
        out.flush();
        return bytes.toByteArray();
    }

    private static void copy(CodedInputStream in, Descriptor type, CodedOutputStream out, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("message nested deeper than " + MAX_DEPTH);
        }
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            int number = WireFormat.getTagFieldNumber(tag);
            FieldDescriptor field = type == null ? null : type.findFieldByNumber(number);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED || field == null) {
                if (!in.skipField(tag, out)) { // copies the field as read
                    return; // end of a group
                }
                continue;
            }
            byte[] value = in.readByteArray();
            if (field.getType() == FieldDescriptor.Type.STRING) {
                value = new String(value, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
            } else if (field.getType() == FieldDescriptor.Type.MESSAGE) {
                ByteArrayOutputStream nested = new ByteArrayOutputStream(value.length + 8);
                CodedOutputStream nestedOut = CodedOutputStream.newInstance(nested);
                copy(CodedInputStream.newInstance(value), field.getMessageType(), nestedOut, depth + 1);
                nestedOut.flush();
                value = nested.toByteArray();
            }
            out.writeByteArray(number, value);
        }
    }
}
