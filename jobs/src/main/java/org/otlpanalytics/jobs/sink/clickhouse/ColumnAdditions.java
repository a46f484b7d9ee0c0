package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upgrade of a table an earlier version created: a DDL file's
 * {@code ALTER TABLE t ADD COLUMN IF NOT EXISTS c T, ...} as statements every server accepts.
 * {@code ADD COLUMN IF NOT EXISTS} is unknown to 18.16 (a syntax error there), so the schema step
 * asks the table's columns ({@code DESCRIBE TABLE}) and sends one plain {@code ADD COLUMN} per missing
 * column; on any server, an existing column is left alone.
 *
 * <pre>{@code
 * ColumnAdditions a = ColumnAdditions.parse(statement);      // null for any other statement
 * for (String s : a.missing(existingColumnNames)) http.query(s);
 * }</pre>
 */
public final class ColumnAdditions {
    private static final Pattern ALTER = Pattern.compile("(?s)^\\s*ALTER\\s+TABLE\\s+(\\S+)\\s+(ADD\\s+COLUMN\\s+IF\\s+NOT\\s+EXISTS\\s.*)$");
    private static final Pattern ADD = Pattern.compile("(?s)^\\s*ADD\\s+COLUMN\\s+IF\\s+NOT\\s+EXISTS\\s+(\\S+)\\s+(.+?)\\s*$");

    /** One column to add: its name and its type (with any DEFAULT/CODEC as written). */
    public record Column(String name, String definition) {}

    private final String table;
    private final List<Column> columns;

    private ColumnAdditions(String table, List<Column> columns) {
        this.table = table;
        this.columns = List.copyOf(columns);
    }

    /** The additions of {@code statement}, or null when it is not an {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS}. */
    public static ColumnAdditions parse(String statement) {
        Matcher m = ALTER.matcher(statement);
        if (!m.matches()) {
            return null;
        }
        List<Column> out = new ArrayList<>();
        for (String part : splitTopLevel(m.group(2))) {
            Matcher a = ADD.matcher(part);
            if (!a.matches()) {
                throw new IllegalArgumentException("ALTER TABLE " + m.group(1) + ": not an ADD COLUMN IF NOT EXISTS: " + part.strip());
            }
            out.add(new Column(a.group(1), a.group(2)));
        }
        return new ColumnAdditions(m.group(1), out);
    }

    public String table() {
        return table;
    }

    public List<Column> columns() {
        return columns;
    }

    /** One {@code ALTER TABLE t ADD COLUMN c T} per column not in {@code existing}, in the file's order. */
    public List<String> missing(Set<String> existing) {
        List<String> out = new ArrayList<>();
        for (Column c : columns) {
            if (!existing.contains(c.name())) {
                out.add("ALTER TABLE " + table + " ADD COLUMN " + c.name() + " " + c.definition());
            }
        }
        return out;
    }

    /** Splits at commas outside parentheses and quotes. */
    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(s.substring(from, i));
                from = i + 1;
            }
        }
        out.add(s.substring(from));
        return out;
    }
}
