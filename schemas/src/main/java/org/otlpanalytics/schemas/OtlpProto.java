package org.otlpanalytics.schemas;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Parser;

/** Parses an OTLP protobuf message with bounded recursion, repairing invalid UTF-8 in its strings. */
public final class OtlpProto {
    /** Protobuf recursion limit (nested AnyValue lists and maps). */
    static final int RECURSION_LIMIT = 64;

    private OtlpProto() {}

    /**
     * Parses {@code bytes}; a message rejected only for invalid UTF-8 in a string field is
     * repaired ({@link Utf8Repair}: each invalid sequence becomes U+FFFD) and parsed again, so
     * its records are kept.
     */
    public static <M> M parse(byte[] bytes, Parser<M> parser, Descriptor type) throws DecodeException {
        try {
            return parse(bytes, parser);
        } catch (Exception e) {
            if (!Utf8Repair.isInvalidUtf8(e)) {
                throw new DecodeException("otlp_proto: " + e.getMessage(), e);
            }
            try {
                return parse(Utf8Repair.repair(bytes, type), parser);
            } catch (Exception again) {
                throw new DecodeException("otlp_proto: " + again.getMessage(), again);
            }
        }
    }

    private static <M> M parse(byte[] bytes, Parser<M> parser) throws Exception {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(RECURSION_LIMIT);
        return parser.parseFrom(in);
    }
}
