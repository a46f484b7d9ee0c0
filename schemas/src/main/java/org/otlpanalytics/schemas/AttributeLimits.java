package org.otlpanalytics.schemas;

import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Whether and how a decoder keeps a record's attributes as text (only the raw-record stores need
 * them, so the aggregate-only path never pays for them): at most {@code maxAttributes} per record and
 * per resource, in the order they came (a repeated key keeps its first value), keys cut to 256
 * characters and sanitized as names, values converted to text ({@link ResourceInfo#stringValue}) and
 * cut to {@code maxValueChars}, sanitized as text ({@link TextSanitizer}).
 *
 * <pre>{@code
 * LogDecoder d = new LogDecoder(Encoding.OTLP_PROTO, AttributeLimits.DEFAULT);
 * }</pre>
 */
public record AttributeLimits(int maxAttributes, int maxValueChars) implements Serializable {
    /** 64 attributes, values of up to 1024 characters. */
    public static final AttributeLimits DEFAULT = new AttributeLimits(64, 1024);

    public AttributeLimits {
        if (maxAttributes < 1 || maxValueChars < 1) {
            throw new IllegalArgumentException("attribute limits must be >= 1, got " + maxAttributes + " and " + maxValueChars);
        }
    }

    /** The attributes as text, bounded; null when there are none. */
    public Map<String, String> read(List<KeyValue> attributes) {
        if (attributes.isEmpty()) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>(Math.min(attributes.size(), maxAttributes) * 2);
        for (KeyValue kv : attributes) {
            if (m.size() >= maxAttributes) {
                break;
            }
            String v = ResourceInfo.stringValue(kv.getValue());
            m.putIfAbsent(TextSanitizer.name(kv.getKey(), ResourceInfo.MAX_NAME_CHARS),
                    v == null ? "" : TextSanitizer.text(v, maxValueChars));
        }
        return m;
    }
}
