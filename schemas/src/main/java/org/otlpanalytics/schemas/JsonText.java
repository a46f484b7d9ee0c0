package org.otlpanalytics.schemas;

/**
 * JSON string literals for the few places that write JSON by hand (labels JSONB, AGE's agtype
 * parameter maps, dead-letter descriptions): quotes, backslashes and control characters escaped,
 * U+2028/U+2029 too, everything else verbatim.
 */
public final class JsonText {
    private JsonText() {}

    /** Appends {@code s} as a quoted JSON string. */
    public static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
