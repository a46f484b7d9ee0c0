package org.otlpanalytics.schemas;

/**
 * Makes every string that leaves a decoder safe for the stores and for keys: PostgreSQL rejects
 * U+0000 in {@code text} and {@code \u0000} in {@code jsonb}, and one such row would otherwise fail
 * every flush, restart the job and fail again. Characters are replaced, never removed, so a
 * cleaned string keeps its length and a sanitized name can never equal a different clean one by
 * losing characters. Two classes:
 *
 * <ul>
 *   <li>{@link #name}: identity attributes ({@code tenant.id}, {@code service.name},
 *       {@code service.namespace}, {@code host.name}), span, metric and scope names, attribute
 *       keys, units, severity text and the peer attributes that name uninstrumented services.
 *       Every control character (C0 including tab, newline and carriage return; DEL; C1) and
 *       every unpaired surrogate becomes U+FFFD. Names are keys, labels and URNs: a control
 *       character in them is never meaningful.
 *   <li>{@link #text}: log bodies and attribute values. U+0000 and unpaired surrogates become
 *       U+FFFD; tab, newline, carriage return and other controls (ANSI colour escapes in log
 *       lines) are kept, because the stores accept them and multi-line bodies need them.
 * </ul>
 *
 * Both also cut the string to a maximum length without splitting a surrogate pair. Invalid UTF-8
 * never reaches here: protobuf strings are repaired before parsing ({@link Utf8Repair}) and JSON
 * is decoded with replacement.
 */
public final class TextSanitizer {
    /** What every rejected character becomes. */
    public static final char REPLACEMENT = '\uFFFD';

    private TextSanitizer() {}

    /** A name (see the class comment), cut to {@code max} characters; null stays null. */
    public static String name(String s, int max) {
        return clean(bound(s, max), true);
    }

    /** Free text (see the class comment), cut to {@code max} characters; null stays null. */
    public static String text(String s, int max) {
        return clean(bound(s, max), false);
    }

    /** Whether {@code s} is unchanged by {@link #name} (apart from length). */
    public static boolean isCleanName(String s) {
        return firstUnsafe(s, true) < 0;
    }

    /** Cuts {@code s} to {@code max} characters, never between the two halves of a surrogate pair. */
    public static String bound(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String clean(String s, boolean name) {
        if (s == null) {
            return null;
        }
        int first = firstUnsafe(s, name);
        if (first < 0) {
            return s; // the common case: no copy
        }
        char[] c = s.toCharArray();
        for (int i = first; i < c.length; i++) {
            char ch = c[i];
            if (Character.isHighSurrogate(ch) && i + 1 < c.length && Character.isLowSurrogate(c[i + 1])) {
                i++; // a valid pair
            } else if (unsafe(ch, name)) {
                c[i] = REPLACEMENT;
            }
        }
        return new String(c);
    }

    /** Index of the first character {@link #clean} replaces, or -1. */
    private static int firstUnsafe(String s, boolean name) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            // the common case first: printable ASCII, or (for text) anything but NUL and surrogates
            if (name ? ch >= 0x20 && ch < 0x7f : ch != 0 && ch < Character.MIN_SURROGATE) {
                continue;
            }
            if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (unsafe(ch, name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean unsafe(char ch, boolean name) {
        if (Character.isSurrogate(ch)) {
            return true; // unpaired (pairs are skipped by the callers)
        }
        return name ? Character.isISOControl(ch) : ch == '\u0000';
    }
}
