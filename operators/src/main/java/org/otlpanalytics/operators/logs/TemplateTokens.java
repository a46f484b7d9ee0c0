package org.otlpanalytics.operators.logs;

/**
 * Token-level rules shared by the masker and the tree: what a variable looks like, when a template
 * token accepts a message token, and how two differing tokens generalise into one.
 *
 * <p>A token is "variable-bearing" when it contains {@link #WILDCARD}; it can be the wildcard alone
 * ({@code <*>}) or keep constant text around it ({@code blk_<*>}, {@code (uid=<*>)}, {@code rhost=<*>}).
 */
final class TemplateTokens {
    /** How every variable is printed in a template. */
    static final String WILDCARD = "<*>";

    private TemplateTokens() {}

    static boolean hasVariable(String token) {
        return token == WILDCARD || token.contains(WILDCARD);
    }

    static boolean isWildcard(String token) {
        return token == WILDCARD || WILDCARD.equals(token);
    }

    /**
     * Whether template token {@code t} accepts message token {@code m}: equal text, or {@code t}'s
     * wildcards cover the differing parts of {@code m} (each {@code <*>} matches any, possibly empty, text).
     */
    static boolean accepts(String t, boolean tVariable, String m) {
        if (t.equals(m)) {
            return true;
        }
        if (!tVariable) {
            return false;
        }
        if (isWildcard(t)) {
            return true;
        }
        return wildcardMatch(t, m);
    }

    private static boolean wildcardMatch(String pattern, String text) {
        int star = pattern.indexOf(WILDCARD);
        if (!text.startsWith(pattern.substring(0, star))) {
            return false;
        }
        int pos = star;
        int textPos = star;
        while (true) {
            int from = pos + WILDCARD.length();
            int next = pattern.indexOf(WILDCARD, from);
            if (next < 0) {
                String tail = pattern.substring(from);
                return text.length() - tail.length() >= textPos && text.endsWith(tail);
            }
            String part = pattern.substring(from, next);
            int found = text.indexOf(part, textPos);
            if (found < 0) {
                return false;
            }
            textPos = found + part.length();
            pos = next;
        }
    }

    /**
     * The most specific token accepting both {@code a} and {@code b}: the common leading and trailing
     * punctuation-bounded text is kept and the differing middle becomes {@code <*>}, so {@code user=root}
     * and {@code user=guest} give {@code user=<*>}, {@code ()} and {@code (host)} give {@code (<*>)}, and
     * two unrelated words give {@code <*>}.
     */
    static String generalize(String a, String b) {
        if (isWildcard(a) || isWildcard(b)) {
            return WILDCARD;
        }
        int limit = Math.min(a.length(), b.length());
        int prefix = 0;
        while (prefix < limit && a.charAt(prefix) == b.charAt(prefix) && !startsWildcard(a, prefix)) {
            prefix++;
        }
        while (prefix > 0 && Character.isLetterOrDigit(a.charAt(prefix - 1))) {
            prefix--;
        }
        int suffix = 0;
        while (suffix < limit - prefix
                && a.charAt(a.length() - 1 - suffix) == b.charAt(b.length() - 1 - suffix)
                && !endsWildcard(a, a.length() - 1 - suffix)) {
            suffix++;
        }
        while (suffix > 0 && Character.isLetterOrDigit(a.charAt(a.length() - suffix))) {
            suffix--;
        }
        if (prefix == 0 && suffix == 0) {
            return WILDCARD;
        }
        return a.substring(0, prefix) + WILDCARD + a.substring(a.length() - suffix);
    }

    private static boolean startsWildcard(String s, int i) {
        return s.charAt(i) == '<' && s.startsWith(WILDCARD, i);
    }

    private static boolean endsWildcard(String s, int i) {
        return s.charAt(i) == '>' && i >= 2 && s.startsWith(WILDCARD, i - 2);
    }

    /** Tokens joined by single spaces: the printed template. */
    static String join(String[] tokens) {
        if (tokens.length == 0) {
            return "";
        }
        int size = tokens.length - 1;
        for (String t : tokens) {
            size += t.length();
        }
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(tokens[i]);
        }
        return sb.toString();
    }
}
