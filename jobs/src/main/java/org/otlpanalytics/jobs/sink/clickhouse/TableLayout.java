package org.otlpanalytics.jobs.sink.clickhouse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A mapper's columns matched with the table's columns on the server ({@code DESCRIBE TABLE}): the
 * insert's column list and, per column, the encoding its server type asks for. So one writer serves
 * the committed DDL on a current server and its derived form on an old one, and a table whose columns
 * do not fit the mapper fails at the first write with the column named, not row by row.
 */
final class TableLayout {
    /** How one mapper column is encoded. */
    static final class Column {
        final ChColumn column;
        final String serverType;
        /** TIME_MILLIS/TIME_NANOS/DATETIME: ticks per second of the server column (1 for DateTime). */
        final long ticksPerSecond;
        /** STRING_MAP stored as the two arrays {@code name.keys}, {@code name.values}. */
        final boolean nested;

        Column(ChColumn column, String serverType, long ticksPerSecond, boolean nested) {
            this.column = column;
            this.serverType = serverType;
            this.ticksPerSecond = ticksPerSecond;
            this.nested = nested;
        }
    }

    final String table;
    final Column[] columns;
    final List<String> insertColumns;

    private TableLayout(String table, Column[] columns, List<String> insertColumns) {
        this.table = table;
        this.columns = columns;
        this.insertColumns = insertColumns;
    }

    /** {@code INSERT INTO `db`.`table` (`a`, `b`) FORMAT RowBinary}: identifiers only, no values. */
    String insertStatement(String database) {
        return "INSERT INTO " + quote(database) + "." + quote(table) + " ("
                + insertColumns.stream().map(TableLayout::quote).collect(Collectors.joining(", ")) + ") FORMAT RowBinary";
    }

    static String quote(String identifier) {
        if (identifier.indexOf('`') >= 0 || identifier.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("identifier with a backquote or backslash: " + identifier);
        }
        return "`" + identifier + "`";
    }

    /**
     * Matches {@code mapper} columns with {@code describe} (the TabSeparated answer of
     * {@code DESCRIBE TABLE}); throws with the column named when one is missing or has a type the
     * mapper's values cannot go into.
     */
    static TableLayout resolve(String table, List<ChColumn> mapperColumns, String describe) {
        Map<String, String> types = parseDescribe(describe);
        List<Column> out = new ArrayList<>();
        List<String> insert = new ArrayList<>();
        for (ChColumn c : mapperColumns) {
            Column r = resolve(table, c, types);
            out.add(r);
            if (r.nested) {
                insert.add(c.name() + ".keys");
                insert.add(c.name() + ".values");
            } else {
                insert.add(c.name());
            }
        }
        return new TableLayout(table, out.toArray(new Column[0]), List.copyOf(insert));
    }

    private static Column resolve(String table, ChColumn c, Map<String, String> types) {
        String type = types.get(c.name());
        if (c.kind() == ChColumn.Kind.STRING_MAP && type == null) {
            String keys = types.get(c.name() + ".keys");
            String values = types.get(c.name() + ".values");
            if (keys != null && values != null && isArrayOf(keys, "String") && isArrayOf(values, "String")) {
                return new Column(c, keys + "/" + values, 0, true);
            }
        }
        if (type == null) {
            throw new IllegalStateException("table " + table + " has no column " + c.name() + " (the sink writes "
                    + c.kind() + "); apply the DDL of sql/clickhouse/ for this version of the job");
        }
        String base = plain(type);
        long ticks = 0;
        boolean ok;
        switch (c.kind()) {
            case STRING:
            case BYTES:
                ok = base.equals("String");
                break;
            case NULLABLE_STRING:
            case NULLABLE_BYTES:
                ok = base.equals("Nullable(String)");
                break;
            case UINT8:
                ok = base.equals("UInt8");
                break;
            case UINT16:
                ok = base.equals("UInt16");
                break;
            case UINT32:
                ok = base.equals("UInt32");
                break;
            case INT32:
                ok = base.equals("Int32");
                break;
            case INT64:
                ok = base.equals("Int64");
                break;
            case NULLABLE_INT64:
                ok = base.equals("Nullable(Int64)");
                break;
            case UINT64:
            case VERSION:
                ok = base.equals("UInt64");
                break;
            case FLOAT64:
                ok = base.equals("Float64");
                break;
            case NULLABLE_FLOAT64:
                ok = base.equals("Nullable(Float64)");
                break;
            case DATETIME:
            case TIME_MILLIS:
            case TIME_NANOS:
                ticks = ticksPerSecond(base);
                ok = ticks > 0 && (c.kind() != ChColumn.Kind.DATETIME || ticks == 1);
                break;
            case NULLABLE_TIME_MILLIS:
                ticks = base.startsWith("Nullable(") ? ticksPerSecond(base.substring("Nullable(".length(), base.length() - 1)) : 0;
                ok = ticks > 0;
                break;
            case STRING_MAP:
                ok = base.startsWith("Map(") && base.replace(" ", "").equals("Map(String,String)");
                break;
            case ARRAY_STRING:
                ok = isArrayOf(base, "String");
                break;
            case ARRAY_INT32:
                ok = isArrayOf(base, "Int32");
                break;
            case ARRAY_UINT32:
                ok = isArrayOf(base, "UInt32");
                break;
            case ARRAY_INT64:
                ok = isArrayOf(base, "Int64");
                break;
            case ARRAY_UINT64:
                ok = isArrayOf(base, "UInt64");
                break;
            case ARRAY_FLOAT64:
                ok = isArrayOf(base, "Float64");
                break;
            default:
                ok = false;
        }
        if (!ok) {
            throw new IllegalStateException("column " + table + "." + c.name() + " has type " + type + ", which the sink's "
                    + c.kind() + " values do not fit; apply the DDL of sql/clickhouse/ for this version of the job");
        }
        return new Column(c, type, ticks, false);
    }

    /** The type without any {@code LowCardinality(...)} wrapper (also inside Map and Array). */
    static String plain(String type) {
        return ClickHouseDdl.unwrap(type, "LowCardinality");
    }

    private static boolean isArrayOf(String type, String element) {
        return plain(type).equals("Array(" + element + ")");
    }

    /** 1 for DateTime, 10^p for DateTime64(p), 0 for anything else. */
    static long ticksPerSecond(String type) {
        if (type.startsWith("DateTime64(")) {
            int end = type.indexOf(',') > 0 ? type.indexOf(',') : type.indexOf(')');
            int p = Integer.parseInt(type.substring("DateTime64(".length(), end).trim());
            long t = 1;
            for (int i = 0; i < p; i++) {
                t *= 10;
            }
            return t;
        }
        return type.equals("DateTime") || type.startsWith("DateTime(") ? 1 : 0;
    }

    /** Column name → type from a TabSeparated DESCRIBE answer. */
    static Map<String, String> parseDescribe(String tsv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : tsv.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length >= 2) {
                m.put(unescape(f[0]), unescape(f[1]));
            }
        }
        return m;
    }

    /** TabSeparated unescaping (backslash escapes). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 't':
                        sb.append('\t');
                        break;
                    case 'n':
                        sb.append('\n');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case '0':
                        sb.append('\0');
                        break;
                    default:
                        sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
