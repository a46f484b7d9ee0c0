package org.otlpanalytics.operators.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written fast path of {@link MaskingRule#defaults()}: one pass over the characters splits a
 * body into whitespace tokens and masks each one with cheap checks instead of running twelve regexes.
 *
 * <p>Per token: a double-quoted value without spaces becomes {@code "<*>"}; then, after setting aside
 * leading brackets/quotes and trailing punctuation, {@code scheme://rest} becomes {@code scheme://<*>};
 * e-mail addresses, paths ({@code /a}, {@code ~/a}, {@code ./a}, {@code C:\a}, {@code a/b/c}), UUIDs
 * and IPv6 addresses become {@code <*>}. Otherwise the token is cut into alphanumeric runs: a run that
 * starts with a digit or holds two or more digits is a variable (numbers, IPv4, hex, 12ms, 3.5s,
 * node12), a run with a single inner digit ({@code ssh2}, {@code tty2}) is a variable only when glued
 * to a variable run ({@code v1.0.2}), and variable runs joined by {@code . : - _ / , + # @} print as
 * one {@code <*>} ({@code 10.0.0.1:80}, {@code blk_-42} -> {@code blk_<*>}). Across tokens: a number
 * followed by a byte unit ({@code 3 MB}) and month/weekday names next to a masked number
 * ({@code Sun Jul 24 02:38:22 2005}) join the variable, runs of {@code <*>} collapse into one, and so
 * do repeats of the same masked token that keeps a word ({@code blk_<*> blk_<*>}), which turns
 * variable-length lists into one token ({@code <*>: <*>:} stays, as punctuation there is structure).
 *
 * <p>Kept in one file, over the usual size, so that the whole fast path and its order of checks read
 * in one place next to the regexes of {@link MaskingRule#defaults()} it stands for.
 */
final class MaskingScanner {
    private static final String JOINERS = ".:-_/,+#@";
    private static final String LEADING = "([{\"'";
    private static final String TRAILING = ")]}\"',;:.!?";
    private static final String[] MONTHS = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"
    };
    private static final String[] WEEKDAYS = {
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    };
    private static final String[] LITERALS = {"true", "false", "True", "False", "TRUE", "FALSE", "null", "NULL", "None", "nil"};
    private static final String[] SIZE_UNITS = {
        "B", "kB", "KB", "MB", "GB", "TB", "PB", "EB", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "kb", "mb", "gb", "tb"
    };

    /** ASCII letters and digits; {@link #WORD_CHARS} adds {@code _}. */
    private static final boolean[] ALNUM = new boolean[128];
    private static final boolean[] WORD_CHARS = new boolean[128];
    /** Membership tables of {@link #JOINERS}, {@link #LEADING} and {@link #TRAILING} (all ASCII). */
    private static final boolean[] JOINER = new boolean[128];
    private static final boolean[] LEADING_CHAR = new boolean[128];
    private static final boolean[] TRAILING_CHAR = new boolean[128];
    /** The capitals month and weekday names start with (an ASCII token can only be a name starting so). */
    private static final boolean[] NAME_START = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ALNUM[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            WORD_CHARS[c] = ALNUM[c] || c == '_';
            JOINER[c] = JOINERS.indexOf(c) >= 0;
            LEADING_CHAR[c] = LEADING.indexOf(c) >= 0;
            TRAILING_CHAR[c] = TRAILING.indexOf(c) >= 0;
        }
        for (String[] names : new String[][] {MONTHS, WEEKDAYS}) {
            for (String name : names) {
                NAME_START[Character.toUpperCase(name.charAt(0))] = true;
            }
        }
    }

    private MaskingScanner() {}

    /**
     * Masked tokens of {@code s}: of its first non-blank line, followed by one {@code <*>} when
     * non-blank lines follow (see {@link LogMasker#tokenize(String)}).
     */
    static String[] scan(String s) {
        int n = s.length();
        List<String> out = new ArrayList<>(16);
        // Per output token: did the raw token end in a digit (a number that a unit may follow)?
        boolean[] numericEnd = new boolean[16];
        // Indexes of the tokens that may be a month or weekday name: a token starts with its raw first
        // character or with <*>, so only a raw token starting with such a name's capital can be one
        int[] names = null;
        int nameCount = 0;
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                if (s.charAt(i) == '\n' && !out.isEmpty()) {
                    // the first line is the statement; whatever follows is one value
                    if (!s.substring(i).isBlank()) {
                        out.add(TemplateTokens.WILDCARD);
                    }
                    i = n;
                    break;
                }
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            boolean quoted = false;
            int bracket = -1;
            while (i < n && !Character.isWhitespace(s.charAt(i))) {
                char c = s.charAt(i);
                quoted |= c == '"';
                if (bracket < 0 && (c == '[' || c == '{')) {
                    bracket = i;
                }
                i++;
            }
            int end = i;
            String token;
            int listEnd = bracket < 0 ? -1 : listEnd(s, bracket);
            if (listEnd > 0) {
                i = listEnd;
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                token = s.substring(start, bracket + 1) + TemplateTokens.WILDCARD + s.substring(listEnd - 1, i);
                if (out.size() == numericEnd.length) {
                    numericEnd = java.util.Arrays.copyOf(numericEnd, numericEnd.length * 2);
                }
                numericEnd[out.size()] = false;
                if (mayStartName(s.charAt(start))) {
                    names = addIndex(names, nameCount++, out.size());
                }
                out.add(token);
                continue;
            }
            if (quoted) {
                token = maskQuoted(s, start, end);
            } else {
                token = maskToken(s, start, end);
            }
            int last = out.size() - 1;
            if (last >= 0 && numericEnd[last] && isSizeUnit(s, start, end) && out.get(last).endsWith(TemplateTokens.WILDCARD)) {
                out.set(last, out.get(last) + s.substring(coreEnd(s, start, end), end));
                numericEnd[last] = false;
                continue;
            }
            if (out.size() == numericEnd.length) {
                numericEnd = java.util.Arrays.copyOf(numericEnd, numericEnd.length * 2);
            }
            numericEnd[out.size()] = Character.isDigit(s.charAt(end - 1)) && TemplateTokens.hasVariable(token);
            if (mayStartName(s.charAt(start))) {
                names = addIndex(names, nameCount++, out.size());
            }
            out.add(token);
        }
        if (nameCount > 0) {
            maskDates(out, names, nameCount);
        }
        return collapse(out);
    }

    /**
     * For a bracket at {@code open}: the index after its closing bracket when the group is a list
     * ({@code [a, b, c]}, {@code {k=v, k2=v2}}, {@code ['x','y']}: at least one comma, no nested
     * brackets, no JSON key, whitespace only after commas), else -1. A list is one value whatever its length, so a
     * statement printing one keeps one token count.
     */
    private static int listEnd(String s, int open) {
        char close = s.charAt(open) == '[' ? ']' : '}';
        boolean comma = false;
        for (int k = open + 1; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == close) {
                return comma && k > open + 1 ? k + 1 : -1;
            }
            if (c == '[' || c == ']' || c == '{' || c == '}' || c == '\n' || c == '\r'
                    || (c == '"' && k + 1 < s.length() && s.charAt(k + 1) == ':')) {
                return -1; // nested, or a JSON object: its keys are structure
            }
            if (c == ',') {
                comma = true;
            } else if (Character.isWhitespace(c)) {
                int p = k - 1;
                while (p > open && s.charAt(p) == ' ') {
                    p--;
                }
                if (s.charAt(p) != ',') {
                    return -1;
                }
            }
        }
        return -1;
    }

    // ---- one token ---------------------------------------------------------------------------

    static String maskToken(String s, int a, int b) {
        boolean digit = false;
        boolean special = false;
        boolean literal = false;
        int eq = -1;
        int run = a;
        for (int k = a; k < b; k++) {
            char c = s.charAt(k);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (!isWordChar(c)) {
                if (c == '/' || c == '@' || c == '\\') {
                    special = true;
                } else if (c == '=' && eq < 0) {
                    eq = k;
                }
                literal |= mayBeLiteral(s, run, k) && isLiteral(s, run, k);
                run = k + 1;
            }
        }
        literal |= mayBeLiteral(s, run, b) && isLiteral(s, run, b);
        if (special && eq > a && eq + 1 < b && isKey(s, a, eq)) {
            // key=value: the value is masked as a token of its own (key=/var/x, to=bob@example.com)
            String value = maskToken(s, eq + 1, b);
            return TemplateTokens.isWildcard(value) ? s.substring(a, eq + 1) + TemplateTokens.WILDCARD : s.substring(a, eq + 1) + value;
        }
        if (!digit && !special) {
            return literal ? maskLiterals(s, a, b) : s.substring(a, b);
        }
        int ca = a;
        while (ca < b && isLeading(s.charAt(ca))) {
            ca++;
        }
        int cb = b;
        while (cb > ca && isTrailing(s.charAt(cb - 1))) {
            cb--;
        }
        if (ca == cb) {
            return s.substring(a, b);
        }
        if (special) {
            int scheme = indexOf(s, "://", ca, cb);
            if (scheme > ca) {
                int st = scheme;
                while (st > ca && isSchemeChar(s.charAt(st - 1))) {
                    st--;
                }
                if (st < scheme && Character.isLetter(s.charAt(st))) {
                    return s.substring(a, scheme + 3) + TemplateTokens.WILDCARD + s.substring(cb, b);
                }
            }
            if (isPath(s, ca, cb) || isEmail(s, ca, cb)) {
                return wrap(s, a, ca, cb, b);
            }
        }
        if (!digit) {
            return literal ? maskLiterals(s, a, b) : s.substring(a, b);
        }
        if (isUuid(s, ca, cb) || isIpv6(s, ca, cb)) {
            return wrap(s, a, ca, cb, b);
        }
        return maskRuns(s, a, ca, cb, b);
    }

    private static String wrap(String s, int a, int ca, int cb, int b) {
        if (a == ca && cb == b) {
            return TemplateTokens.WILDCARD;
        }
        return s.substring(a, ca) + TemplateTokens.WILDCARD + s.substring(cb, b);
    }

    /** The number rule: alphanumeric runs classified and glued as described in the class comment. */
    private static String maskRuns(String s, int a, int ca, int cb, int b) {
        int cap = 8;
        int[] rs = new int[cap];
        int[] re = new int[cap];
        byte[] kind = new byte[cap]; // 0 constant, 1 weak (one inner digit), 2 variable
        int runs = 0;
        int k = ca;
        while (k < cb) {
            if (!isAlnum(s.charAt(k))) {
                k++;
                continue;
            }
            int st = k;
            int digits = 0;
            while (k < cb && isAlnum(s.charAt(k))) {
                if (Character.isDigit(s.charAt(k))) {
                    digits++;
                }
                k++;
            }
            if (runs == cap) {
                cap *= 2;
                rs = java.util.Arrays.copyOf(rs, cap);
                re = java.util.Arrays.copyOf(re, cap);
                kind = java.util.Arrays.copyOf(kind, cap);
            }
            rs[runs] = st;
            re[runs] = k;
            kind[runs] = (byte) (Character.isDigit(s.charAt(st)) || digits >= 2 || isLiteral(s, st, k)
                    || (digits == 1 && isUpperId(s, st, k)) ? 2 : digits == 1 ? 1 : 0);
            runs++;
        }
        for (int r = 0; r < runs; r++) {
            if (kind[r] == 1
                    && ((r > 0 && kind[r - 1] == 2 && allJoiners(s, re[r - 1], rs[r]))
                        || (r + 1 < runs && kind[r + 1] == 2 && allJoiners(s, re[r], rs[r + 1])))) {
                kind[r] = 3; // promoted; not used to promote further
            }
        }
        StringBuilder sb = new StringBuilder(b - a + 4);
        sb.append(s, a, ca);
        int prevEnd = ca;
        boolean prevVar = false;
        for (int r = 0; r < runs; r++) {
            boolean var = kind[r] >= 2;
            int gapStart = prevEnd;
            int gapEnd = rs[r];
            if (var && prevVar && gapEnd > gapStart && allJoiners(s, gapStart, gapEnd)) {
                prevEnd = re[r];
                continue;
            }
            if (var && gapEnd > gapStart && isSign(s.charAt(gapEnd - 1))
                    && Character.isDigit(s.charAt(rs[r]))
                    && (gapEnd - 1 == ca || !isAlnum(s.charAt(gapEnd - 2)))) {
                gapEnd--;
            }
            sb.append(s, gapStart, gapEnd);
            if (var) {
                sb.append(TemplateTokens.WILDCARD);
            } else {
                sb.append(s, rs[r], re[r]);
            }
            prevVar = var;
            prevEnd = re[r];
        }
        sb.append(s, prevEnd, b);
        return sb.length() == 3 && TemplateTokens.WILDCARD.contentEquals(sb) ? TemplateTokens.WILDCARD : sb.toString();
    }

    /**
     * A token with double-quoted values inside ({@code name="x"}, {@code "x",}): each closed pair's
     * content becomes {@code <*>}; a quote that does not close within the token (multi-word text such
     * as {@code "GET /a HTTP/1.1"}) leaves the words to the other rules, so constants inside stay.
     */
    private static String maskQuoted(String s, int start, int end) {
        int open = s.indexOf('"', start);
        int close = open < 0 ? -1 : s.indexOf('"', open + 1);
        if (close < 0 || close >= end) {
            return maskToken(s, start, end);
        }
        StringBuilder sb = new StringBuilder(end - start);
        int k = start;
        while (open >= 0 && close >= 0 && close < end) {
            appendMasked(sb, s, k, open);
            if (close + 1 < end && s.charAt(close + 1) == ':') {
                sb.append(s, open, close + 1); // a key ("name":), part of the structure
            } else {
                sb.append('"').append(TemplateTokens.WILDCARD).append('"');
            }
            k = close + 1;
            open = s.indexOf('"', k);
            close = open < 0 || open >= end ? -1 : s.indexOf('"', open + 1);
        }
        appendMasked(sb, s, k, end);
        return sb.toString();
    }

    /** Text between quoted parts ({@code :12,} in {@code "n":12,"m":"x"}) masked as a token of its own. */
    private static void appendMasked(StringBuilder sb, String s, int a, int b) {
        if (a < b) {
            String masked = maskToken(s, a, b);
            sb.append(masked);
        }
    }

    /**
     * The token with every boolean or null literal ({@code true}, {@code False}, {@code null},
     * {@code None}, ...) standing alone or as a {@code key=value} value replaced by {@code <*>}.
     */
    private static String maskLiterals(String s, int a, int b) {
        StringBuilder sb = null;
        int copied = a;
        int k = a;
        while (k < b) {
            if (!isWordChar(s.charAt(k))) {
                k++;
                continue;
            }
            int st = k;
            while (k < b && isWordChar(s.charAt(k))) {
                k++;
            }
            if (isLiteral(s, st, k)) {
                if (sb == null) {
                    sb = new StringBuilder(b - a);
                }
                sb.append(s, copied, st).append(TemplateTokens.WILDCARD);
                copied = k;
            }
        }
        if (sb == null) {
            return s.substring(a, b);
        }
        sb.append(s, copied, b);
        return sb.length() == 3 ? TemplateTokens.WILDCARD : sb.toString();
    }

    private static boolean isKey(String s, int a, int b) {
        for (int k = a; k < b; k++) {
            char c = s.charAt(k);
            if (!isWordChar(c) && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isWordChar(char c) {
        return c < 128 ? WORD_CHARS[c] : Character.isLetterOrDigit(c);
    }

    /** Cheap pre-check of {@link #isLiteral}: length 3 to 5 and the first letter of one. */
    private static boolean mayBeLiteral(String s, int a, int b) {
        int len = b - a;
        if (len < 3 || len > 5) {
            return false;
        }
        char c = s.charAt(a);
        return c == 't' || c == 'f' || c == 'n' || c == 'T' || c == 'F' || c == 'N';
    }

    /** Whether [a, b) is a whole boolean or null literal (a run not continued by a letter, digit or _). */
    private static boolean isLiteral(String s, int a, int b) {
        int len = b - a;
        if (len < 3 || len > 5 || (a > 0 && isWordChar(s.charAt(a - 1))) || (b < s.length() && isWordChar(s.charAt(b)))) {
            return false;
        }
        for (String literal : LITERALS) {
            if (literal.length() == len && s.startsWith(literal, a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether [a, b) is a generated identifier: six or more upper-case letters and digits (the digits
     * already counted by the caller), as in {@code OLJCESPC7Z}; words do not mix capitals and digits so.
     */
    private static boolean isUpperId(String s, int a, int b) {
        if (b - a < 6) {
            return false;
        }
        for (int k = a; k < b; k++) {
            char c = s.charAt(k);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    // ---- classifiers -------------------------------------------------------------------------

    private static boolean isPath(String s, int a, int b) {
        char c0 = s.charAt(a);
        int len = b - a;
        if (c0 == '/') {
            return len >= 2 && s.charAt(a + 1) != '/';
        }
        if ((c0 == '~' && len >= 3 && s.charAt(a + 1) == '/')
                || (c0 == '.' && len >= 3 && (s.charAt(a + 1) == '/' || (s.charAt(a + 1) == '.' && s.charAt(a + 2) == '/')))) {
            return true;
        }
        if (len >= 4 && Character.isLetter(c0) && s.charAt(a + 1) == ':' && s.charAt(a + 2) == '\\') {
            return true;
        }
        int slashes = 0;
        for (int k = a; k < b; k++) {
            char c = s.charAt(k);
            if (c == '/') {
                if (k == a || s.charAt(k - 1) == '/') {
                    return false;
                }
                slashes++;
            } else if (!isAlnum(c) && c != '.' && c != '-' && c != '_') {
                return false;
            }
        }
        return slashes >= 2;
    }

    private static boolean isEmail(String s, int a, int b) {
        int at = indexOf(s, "@", a, b);
        if (at <= a || at >= b - 3) {
            return false;
        }
        for (int k = a; k < at; k++) {
            char c = s.charAt(k);
            if (!isAlnum(c) && c != '.' && c != '_' && c != '%' && c != '+' && c != '-') {
                return false;
            }
        }
        boolean dot = false;
        for (int k = at + 1; k < b; k++) {
            char c = s.charAt(k);
            if (c == '.') {
                if (k == at + 1 || k == b - 1) {
                    return false;
                }
                dot = true;
            } else if (!isAlnum(c) && c != '-') {
                return false;
            }
        }
        return dot;
    }

    private static boolean isUuid(String s, int a, int b) {
        if (b - a != 36) {
            return false;
        }
        for (int k = 0; k < 36; k++) {
            char c = s.charAt(a + k);
            if (k == 8 || k == 13 || k == 18 || k == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String s, int a, int b) {
        int colons = 0;
        for (int k = a; k < b; k++) {
            char c = s.charAt(k);
            if (c == ':') {
                colons++;
            } else if (Character.digit(c, 16) < 0 && c != '.') {
                return false;
            }
        }
        return colons >= 2;
    }

    private static boolean isSizeUnit(String s, int start, int end) {
        int cb = coreEnd(s, start, end);
        int len = cb - start;
        if (len < 1 || len > 3) {
            return false;
        }
        for (String unit : SIZE_UNITS) {
            if (unit.length() == len && s.startsWith(unit, start)) {
                return true;
            }
        }
        return false;
    }

    private static int coreEnd(String s, int start, int end) {
        int cb = end;
        while (cb > start && isTrailing(s.charAt(cb - 1))) {
            cb--;
        }
        return cb;
    }

    /** First index of {@code needle} starting in [from, to) and ending by {@code to}, or -1. */
    private static int indexOf(String s, String needle, int from, int to) {
        for (int k = from; k + needle.length() <= to; k++) {
            if (s.startsWith(needle, k)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean allJoiners(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c >= 128 || !JOINER[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLeading(char c) {
        return c < 128 && LEADING_CHAR[c];
    }

    private static boolean isTrailing(char c) {
        return c < 128 && TRAILING_CHAR[c];
    }

    private static boolean isAlnum(char c) {
        return c < 128 ? ALNUM[c] : Character.isLetterOrDigit(c);
    }

    private static boolean isSchemeChar(char c) {
        return isAlnum(c) || c == '+' || c == '.' || c == '-';
    }

    private static boolean isSign(char c) {
        return c == '-' || c == '+';
    }

    // ---- across tokens -----------------------------------------------------------------------

    /**
     * Month names next to a masked number, then weekday names before a masked month or number; only
     * the tokens at {@code names[0..count)} (ascending) may be names.
     */
    private static void maskDates(List<String> out, int[] names, int count) {
        int size = out.size();
        for (int c = 0; c < count; c++) {
            int k = names[c];
            if (!mayBeName(out.get(k))) {
                continue;
            }
            boolean before = k > 0 && TemplateTokens.isWildcard(out.get(k - 1));
            boolean after = k + 1 < size && isWildcardIgnoringPunctuation(out.get(k + 1));
            if ((before || after) && isName(out.get(k), MONTHS)) {
                String t = out.get(k);
                out.set(k, TemplateTokens.WILDCARD + t.substring(nameLength(t)));
            }
        }
        for (int c = 0; c < count && names[c] + 1 < size; c++) {
            int k = names[c];
            if (mayBeName(out.get(k)) && isWildcardIgnoringPunctuation(out.get(k + 1)) && isName(out.get(k), WEEKDAYS)) {
                String t = out.get(k);
                out.set(k, TemplateTokens.WILDCARD + t.substring(nameLength(t)));
            }
        }
    }

    private static boolean isWildcardIgnoringPunctuation(String t) {
        return t.startsWith(TemplateTokens.WILDCARD) && (t.length() == 3 || strippedLength(t) == 3);
    }

    /** Whether a token starting with {@code c} may be a month or weekday name (see {@link #isName}). */
    private static boolean mayStartName(char c) {
        return c < 128 ? NAME_START[c] : Character.isUpperCase(c);
    }

    private static int[] addIndex(int[] indexes, int count, int index) {
        int[] a = indexes == null ? new int[8] : count == indexes.length ? java.util.Arrays.copyOf(indexes, count * 2) : indexes;
        a[count] = index;
        return a;
    }

    /** A necessary condition of {@link #isName}: three characters or more, the first upper case. */
    private static boolean mayBeName(String t) {
        return t.length() >= 3 && Character.isUpperCase(t.charAt(0));
    }

    private static boolean isName(String t, String[] names) {
        int len = nameLength(t);
        if (len < 3 || len > 9 || !Character.isUpperCase(t.charAt(0))) {
            return false;
        }
        char c0 = t.charAt(0);
        // an ASCII capital can only match a name starting with its lower case (names are ASCII lower case)
        char first = c0 < 128 ? (char) (c0 | 0x20) : 0;
        for (String name : names) {
            if (name.length() == len && (first == 0 || name.charAt(0) == first) && t.regionMatches(true, 0, name, 0, len)) {
                return true;
            }
        }
        return false;
    }

    private static int nameLength(String t) {
        int len = t.length();
        while (len > 0 && (t.charAt(len - 1) == ',' || t.charAt(len - 1) == '.')) {
            len--;
        }
        return len;
    }

    /** The length of {@code t} without its trailing punctuation ({@link #TRAILING}). */
    private static int strippedLength(String t) {
        int len = t.length();
        while (len > 0 && isTrailing(t.charAt(len - 1))) {
            len--;
        }
        return len;
    }

    private static boolean hasWord(String t) {
        for (int k = 0; k < t.length(); k++) {
            if (isAlnum(t.charAt(k))) {
                return true;
            }
        }
        return false;
    }

    /** Collapses runs of bare {@code <*>} and repeats of the same masked word-bearing token into one token. */
    static String[] collapse(List<String> out) {
        String[] result = new String[out.size()];
        int w = 0;
        for (int r = 0; r < out.size(); r++) {
            String t = out.get(r);
            if (w > 0 && t.equals(result[w - 1]) && TemplateTokens.hasVariable(t) && (TemplateTokens.isWildcard(t) || hasWord(t))) {
                continue;
            }
            result[w++] = TemplateTokens.isWildcard(t) ? TemplateTokens.WILDCARD : t;
        }
        return w == result.length ? result : java.util.Arrays.copyOf(result, w);
    }
}
