package org.otlpanalytics.schemas;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Parses OTLP/JSON: like proto3 JSON (lowerCamelCase keys, integer enums, 64-bit integers as
 * strings or numbers) except that trace and span ids are hex, not base64. The ids are rewritten
 * to base64 before the standard parser runs, so every other rule is the protobuf library's.
 */
public final class OtlpJson {
    private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId");
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private OtlpJson() {}

    public static <B extends Message.Builder> B merge(byte[] json, B builder) throws DecodeException {
        try {
            JsonElement root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
            if (!root.isJsonObject()) {
                throw new DecodeException("otlp_json: top level is not an object");
            }
            rewriteIds(root);
            PARSER.merge(root.toString(), builder);
            return builder;
        } catch (DecodeException e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            throw new DecodeException("otlp_json: " + e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    private static void rewriteIds(JsonElement e) throws DecodeException {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            for (Map.Entry<String, JsonElement> en : o.entrySet()) {
                JsonElement v = en.getValue();
                if (ID_FIELDS.contains(en.getKey()) && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
                    en.setValue(new JsonPrimitive(hexToBase64(en.getKey(), v.getAsString())));
                } else {
                    rewriteIds(v);
                }
            }
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (JsonElement c : a) {
                rewriteIds(c);
            }
        }
    }

    static String hexToBase64(String field, String hex) throws DecodeException {
        if (hex.length() % 2 != 0) {
            throw new DecodeException("otlp_json: " + field + " is not hex");
        }
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new DecodeException("otlp_json: " + field + " is not hex");
            }
            b[i] = (byte) ((hi << 4) | lo);
        }
        return Base64.getEncoder().encodeToString(b);
    }
}
