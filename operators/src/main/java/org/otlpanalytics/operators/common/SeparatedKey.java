package org.otlpanalytics.operators.common;

/**
 * Keyed-state keys joined with {@code \u0000}, made injective by escaping: the form of every key
 * that version 0.1.0 wrote as {@code a + '\u0000' + b (+ '\u0000' + c)}, for state that must keep
 * restoring (the log-pattern pipeline's streams and series).
 *
 * <p><b>Why not {@link CompositeKey}.</b> A keyed state entry lives under its key's bytes and key
 * group; a job whose key selector changes its encoding restores the old entries under keys no
 * record reaches any more (often on another subtask), and nothing can move them at run time. The
 * log pipeline's 0.1.0 keys were plain {@code \u0000} joins, so a change to length-prefixed keys
 * split every stream and 5-minute window in two after a restore, and the two halves of a window
 * overwrote each other's row (counts from before the savepoint were lost). This encoding gives
 * exactly the 0.1.0 key for every part without {@code \u0000}, {@code \u0001} or null, so that
 * state restores in place, and is still injective like {@link CompositeKey}:
 *
 * <ul>
 *   <li>the separator in a part is written {@code \u0001 '0'}, {@code \u0001} as {@code \u0001 '1'};
 *   <li>null is {@code \u0001 '-'} (distinct from {@code "null"} and from "");
 *   <li>parts are joined with the separator, which an encoded part never contains.
 * </ul>
 *
 * The separator is {@code \u0000} unless given: the metrics pipeline's 0.1.0 keys were joined with
 * {@code \u001f} ({@link #of(char, String, String)}).
 *
 * A 0.1.0 key whose parts held {@code \u0000}, {@code \u0001} or null differs from its new form;
 * {@link #matches} lets an operator refuse such restored state loudly instead of losing it.
 */
public final class SeparatedKey {
    static final char SEPARATOR = '\u0000';
    static final char ESCAPE = '\u0001';

    private SeparatedKey() {}

    public static String of(String a, String b) {
        return of(SEPARATOR, a, b);
    }

    public static String of(String a, String b, String c) {
        if (plain(SEPARATOR, a) && plain(SEPARATOR, b) && plain(SEPARATOR, c)) {
            return a + SEPARATOR + b + SEPARATOR + c;
        }
        StringBuilder sb = new StringBuilder();
        append(sb, SEPARATOR, a);
        sb.append(SEPARATOR);
        append(sb, SEPARATOR, b);
        sb.append(SEPARATOR);
        append(sb, SEPARATOR, c);
        return sb.toString();
    }

    /** Two parts joined with {@code separator} (neither {@code \u0001} nor one of {@code 0 1 -}). */
    public static String of(char separator, String a, String b) {
        if (plain(separator, a) && plain(separator, b)) {
            return a + separator + b;
        }
        StringBuilder sb = new StringBuilder();
        append(sb, separator, a);
        sb.append(separator);
        append(sb, separator, b);
        return sb.toString();
    }

    /** Whether {@code key} (a restored state key) is the current encoding of {@code a, b}. */
    public static boolean matches(Object key, String a, String b) {
        return of(a, b).equals(key);
    }

    /** Whether {@code key} (a restored state key) is the current encoding of {@code a, b, c}. */
    public static boolean matches(Object key, String a, String b, String c) {
        return of(a, b, c).equals(key);
    }

    /** A part that is written as it is (and as 0.1.0 wrote it). */
    private static boolean plain(char separator, String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == separator || ch == ESCAPE) {
                return false;
            }
        }
        return true;
    }

    private static void append(StringBuilder sb, char separator, String part) {
        if (part == null) {
            sb.append(ESCAPE).append('-');
            return;
        }
        for (int i = 0; i < part.length(); i++) {
            char ch = part.charAt(i);
            if (ch == separator) {
                sb.append(ESCAPE).append('0');
            } else if (ch == ESCAPE) {
                sb.append(ESCAPE).append('1');
            } else {
                sb.append(ch);
            }
        }
    }
}
