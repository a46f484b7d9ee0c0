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

    /**
     * The {@code n} parts of a key {@link #of} made from {@code n} non-null parts, or null when
     * {@code key} is not of that form (a null part, another number of parts, a malformed length).
     */
    public static String[] split(String key, int n) {
        String[] parts = new String[n];
        int at = 0;
        for (int p = 0; p < n; p++) {
            int colon = key.indexOf(':', at);
            if (colon <= at || !Character.isDigit(key.charAt(at))) {
                return null;
            }
            int len;
            try {
                len = Integer.parseInt(key, at, colon, 10);
            } catch (NumberFormatException e) {
                return null;
            }
            if (len < 0 || colon + 1 + len > key.length()) {
                return null;
            }
            parts[p] = key.substring(colon + 1, colon + 1 + len);
            at = colon + 1 + len;
        }
        return at == key.length() ? parts : null;
    }

    private static int lengthOf(String s) {
        return s == null ? 2 : s.length() + 6;
    }
}
