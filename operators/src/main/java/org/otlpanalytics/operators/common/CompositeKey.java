package org.otlpanalytics.operators.common;

/**
 * Keyed-state keys built from several untrusted parts (tenant, service, peer names...). Each part
 * is written as its length, a colon and its text, so the encoding is injective whatever
 * characters the parts contain: no crafted {@code service.name} can produce another tenant's key
 * (joining with a separator such as {@code \u0000} could: {@code ("a\u0000b", "c")} and
 * {@code ("a", "b\u0000c")} would collide).
 *
 * <pre>{@code
 * String key = CompositeKey.of(span.tenant, span.serviceUrn);
 * }</pre>
 */
public final class CompositeKey {
    private CompositeKey() {}

    public static String of(String a, String b) {
        StringBuilder sb = new StringBuilder(lengthOf(a) + lengthOf(b) + 12);
        append(sb, a);
        append(sb, b);
        return sb.toString();
    }

    public static String of(String a, String b, String c) {
        StringBuilder sb = new StringBuilder(lengthOf(a) + lengthOf(b) + lengthOf(c) + 18);
        append(sb, a);
        append(sb, b);
        append(sb, c);
        return sb.toString();
    }

    public static String of(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            append(sb, p);
        }
        return sb.toString();
    }

    /** Appends one part: {@code <length>:<text>}, or {@code -:} for null (distinct from ""). */
    public static void append(StringBuilder sb, String part) {
        if (part == null) {
            sb.append("-:");
        } else {
            sb.append(part.length()).append(':').append(part);
        }
    }

    private static int lengthOf(String s) {
        return s == null ? 2 : s.length() + 6;
    }
}
