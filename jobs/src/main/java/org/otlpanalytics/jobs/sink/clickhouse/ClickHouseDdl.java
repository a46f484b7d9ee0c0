package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the DDL files of {@code sql/clickhouse/} and derives, from their one committed form (written
 * for current ClickHouse), the form an older server accepts. Nothing is kept in two copies: a rule
 * here rewrites one construct of the committed text, and on a current server every rule is off, so
 * the files run unchanged ({@code clickhouse-client --multiquery < file} gives the same tables).
 *
 * <p>File rules: statements end with {@code ;} at the end of a line; comments are whole lines starting
 * with {@code --}; table-level {@code TTL}, {@code INDEX} and {@code SETTINGS} clauses stand on lines of
 * their own. The rules for a server older than a feature ({@link ClickHouseVersion}):
 * <ul>
 *   <li>{@code LowCardinality(T)} becomes {@code T};</li>
 *   <li>{@code CODEC(...)} is dropped;</li>
 *   <li>{@code DateTime64(p, 'tz')} becomes {@code DateTime('tz')} (whole seconds);</li>
 *   <li>{@code Map(K, V)} becomes {@code Nested(keys K, values V)}: the columns {@code x.keys} and
 *       {@code x.values}, which are also the names of a Map's subcolumns on a current server, so a
 *       query reading {@code x.values[indexOf(x.keys, 'k')]} runs on both;</li>
 *   <li>the {@code TTL} line is dropped (also on any server when retention is off), the {@code INDEX}
 *       lines are dropped, and so are settings the server does not know.</li>
 * </ul>
 */
public final class ClickHouseDdl {
    private static final Pattern DANGLING_COMMA = Pattern.compile(",(\\s*\\n\\s*\\))");
    private static final Pattern DATETIME64 = Pattern.compile("\\bDateTime64\\(\\s*\\d+\\s*(?:,\\s*('[^']*')\\s*)?\\)");

    private ClickHouseDdl() {}

    /** The statements of one file, in order, without comment lines and without the final {@code ;}. */
    public static List<String> statements(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            String t = line.trim();
            if (t.startsWith("--")) {
                continue;
            }
            if (t.isEmpty() && cur.length() == 0) {
                continue;
            }
            if (t.endsWith(";")) {
                cur.append(line, 0, line.lastIndexOf(';'));
                String stmt = cur.toString().strip();
                if (!stmt.isEmpty()) {
                    out.add(stmt);
                }
                cur.setLength(0);
            } else {
                cur.append(line).append('\n');
            }
        }
        if (!cur.toString().isBlank()) {
            throw new IllegalArgumentException("DDL text ends without ';' after: " + cur.toString().strip());
        }
        return out;
    }

    /**
     * {@code statement} as server {@code v} accepts it; {@code retention} false drops the TTL clause
     * on every server (retention managed elsewhere).
     */
    public static String derive(String statement, ClickHouseVersion v, boolean retention) {
        String s = statement;
        if (!v.hasLowCardinality()) {
            s = unwrap(s, "LowCardinality");
        }
        if (!v.hasCodecs()) {
            s = removeCalls(s, "CODEC");
        }
        if (!v.hasDateTime64()) {
            s = DATETIME64.matcher(s).replaceAll(m -> m.group(1) == null ? "DateTime" : "DateTime(" + m.group(1).replace("$", "\\$") + ")");
        }
        if (!v.hasMap()) {
            s = mapsToNested(s);
        }
        boolean ttl = retention && v.hasTtl();
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            String t = line.trim();
            if ((!ttl && t.startsWith("TTL ")) || (!v.hasSkipIndexes() && t.startsWith("INDEX "))) {
                continue;
            }
            if (t.startsWith("SETTINGS ")) {
                line = settings(line, v, ttl);
                if (line == null) {
                    continue;
                }
            }
            out.append(out.length() > 0 ? "\n" : "").append(line);
        }
        return DANGLING_COMMA.matcher(out.toString()).replaceAll("$1");
    }

    /** A SETTINGS line without the settings the server lacks; null when none is left. */
    private static String settings(String line, ClickHouseVersion v, boolean ttl) {
        int at = line.indexOf("SETTINGS ");
        List<String> kept = new ArrayList<>();
        for (String kv : line.substring(at + "SETTINGS ".length()).split(",")) {
            String name = kv.split("=")[0].trim();
            if (name.equals("ttl_only_drop_parts") && !(ttl && v.hasTtlOnlyDropParts())) {
                continue;
            }
            kept.add(kv.trim());
        }
        return kept.isEmpty() ? null : line.substring(0, at) + "SETTINGS " + String.join(", ", kept);
    }

    /** Replaces every {@code name(inner)} by {@code inner}. */
    static String unwrap(String s, String name) {
        int at;
        while ((at = find(s, name)) >= 0) {
            int open = at + name.length();
            int close = matching(s, open);
            s = s.substring(0, at) + s.substring(open + 1, close) + s.substring(close + 1);
        }
        return s;
    }

    /** Removes every {@code name(...)} and the blanks before it. */
    static String removeCalls(String s, String name) {
        int at;
        while ((at = find(s, name)) >= 0) {
            int close = matching(s, at + name.length());
            int from = at;
            while (from > 0 && s.charAt(from - 1) == ' ') {
                from--;
            }
            s = s.substring(0, from) + s.substring(close + 1);
        }
        return s;
    }

    /** {@code Map(K, V)} as {@code Nested(keys K, values V)}. */
    static String mapsToNested(String s) {
        int at;
        while ((at = find(s, "Map")) >= 0) {
            int open = at + "Map".length();
            int close = matching(s, open);
            String inner = s.substring(open + 1, close);
            int comma = topLevelComma(inner);
            if (comma < 0) {
                throw new IllegalArgumentException("Map type without two arguments: " + s.substring(at, close + 1));
            }
            s = s.substring(0, at) + "Nested(keys " + inner.substring(0, comma).trim() + ", values "
                    + inner.substring(comma + 1).trim() + ")" + s.substring(close + 1);
        }
        return s;
    }

    /** Index of {@code name(} as a whole word (case-sensitive: type names, not functions such as map()). */
    private static int find(String s, String name) {
        int from = 0;
        while (true) {
            int i = s.indexOf(name + "(", from);
            if (i < 0) {
                return -1;
            }
            if (i == 0 || !(Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_')) {
                return i;
            }
            from = i + 1;
        }
    }

    /** Index of the parenthesis closing the one at {@code open}. */
    private static int matching(String s, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses in: " + s);
    }

    private static int topLevelComma(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
