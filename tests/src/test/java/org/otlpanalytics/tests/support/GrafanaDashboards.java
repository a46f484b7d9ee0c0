package org.otlpanalytics.tests.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The provisioned Grafana dashboards as the tests read them, and the query text Grafana would send
 * to each datasource: template variables replaced as the frontend does for SQL datasources
 * (a multi-value or All variable becomes a list of quoted values, a single-value one its raw
 * value; {@code ${var:sqlstring}}, {@code :csv}, {@code :raw}; All = every option, or the
 * variable's {@code allValue}), {@code $__interval}/{@code $__interval_ms} from the chosen
 * interval (never below the panel's or datasource's minimum), then the datasource's macros:
 * <ul>
 *   <li>PostgreSQL (grafana-postgresql-datasource, pkg/tsdb/grafana-postgresql-datasource
 *       macros): {@code $__time}, {@code $__timeEpoch}, {@code $__timeFilter(c)} = {@code c
 *       BETWEEN 'from' AND 'to'} (RFC 3339 UTC), {@code $__timeFrom()}, {@code $__timeTo()},
 *       {@code $__timeGroup(c, i)} = {@code floor(extract(epoch from c)/s)*s},
 *       {@code $__timeGroupAlias} (+ {@code AS "time"}), {@code $__unixEpochFilter};
 *   <li>ClickHouse (grafana-clickhouse-datasource, pkg/macros): {@code $__timeFilter(c)} =
 *       {@code c >= toDateTime(from) AND c <= toDateTime(to)} (epoch seconds),
 *       {@code $__timeFilter_ms}, {@code $__fromTime}/{@code $__toTime} ({@code toDateTime(s)}),
 *       {@code $__fromTime_ms}/{@code $__toTime_ms}, {@code $__timeInterval(c)} =
 *       {@code toStartOfInterval(toDateTime(c), INTERVAL s second)}, {@code $__timeInterval_ms},
 *       {@code $__interval_s}, {@code $__dateFilter(c)}.
 * </ul>
 */
public final class GrafanaDashboards {
    /** Where the provisioned dashboards live, from the tests module. */
    public static final Path ROOT = Path.of("..", "docker", "grafana", "dashboards");
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::([A-Za-z]+))?\\}|\\[\\[([A-Za-z0-9_]+)\\]\\]|\\$([A-Za-z0-9_]+)");
    private static final Pattern MACRO = Pattern.compile("\\$(__[_a-zA-Z0-9]+)\\(([^)]*)\\)");

    private GrafanaDashboards() {}

    /** One query of a panel. */
    public record Target(String refId, String sql, String format) {}

    /** One panel: its dashboard, title, type, minimum interval and queries. */
    public record Panel(String dashboardUid, String dashboardTitle, String title, String type, long minIntervalMs,
            List<Target> targets) {
        public String id() {
            return dashboardUid + " / " + title;
        }
    }

    /** A template variable. */
    public record Variable(String name, String type, String query, boolean multi, boolean includeAll, String allValue) {}

    /** One dashboard file. */
    public record Dashboard(Path file, String uid, String title, List<Variable> variables, List<Panel> panels) {}

    /** The time range, interval and variable values of one rendering of a dashboard. */
    public record Context(long fromMillis, long toMillis, long intervalMs, Map<String, List<String>> values) {
        public long intervalMsFor(Panel p) {
            return Math.max(intervalMs, Math.max(p.minIntervalMs(), 60_000L));
        }
    }

    /** Every dashboard under {@code ROOT/<store>}. */
    public static List<Dashboard> load(String store) throws IOException {
        List<Dashboard> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve(store))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList())) {
                out.add(parse(f));
            }
        }
        return out;
    }

    static Dashboard parse(Path f) throws IOException {
        JsonObject d = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
        String uid = d.get("uid").getAsString();
        String title = d.get("title").getAsString();
        List<Variable> vars = new ArrayList<>();
        for (JsonElement e : d.getAsJsonObject("templating").getAsJsonArray("list")) {
            JsonObject v = e.getAsJsonObject();
            vars.add(new Variable(v.get("name").getAsString(), v.get("type").getAsString(), str(v, "query"),
                    v.has("multi") && v.get("multi").getAsBoolean(), v.has("includeAll") && v.get("includeAll").getAsBoolean(),
                    str(v, "allValue")));
        }
        List<Panel> panels = new ArrayList<>();
        collectPanels(uid, title, d.getAsJsonArray("panels"), panels);
        collectAnnotations(uid, title, d, panels);
        return new Dashboard(f, uid, title, vars, panels);
    }

    private static void collectPanels(String uid, String title, JsonArray arr, List<Panel> out) {
        for (JsonElement e : arr) {
            JsonObject p = e.getAsJsonObject();
            if (p.has("panels")) {
                collectPanels(uid, title, p.getAsJsonArray("panels"), out);
            }
            if ("row".equals(str(p, "type"))) {
                continue;
            }
            List<Target> targets = new ArrayList<>();
            if (p.has("targets")) {
                for (JsonElement te : p.getAsJsonArray("targets")) {
                    JsonObject t = te.getAsJsonObject();
                    String format = t.has("format") ? t.get("format").getAsString() : "table";
                    if (t.has("queryType")) {
                        format = t.get("queryType").getAsString();
                    }
                    targets.add(new Target(str(t, "refId"), str(t, "rawSql"), format));
                }
            }
            long min = p.has("interval") ? parseInterval(p.get("interval").getAsString()) : 0;
            out.add(new Panel(uid, title, str(p, "title"), str(p, "type"), min, targets));
        }
    }

    /**
     * Annotation queries (not the built-in one) as panels titled {@code annotation: <name>}, of
     * type {@code annotation}: their query runs like a panel's, over the dashboard's range.
     */
    private static void collectAnnotations(String uid, String title, JsonObject d, List<Panel> out) {
        if (!d.has("annotations")) {
            return;
        }
        for (JsonElement e : d.getAsJsonObject("annotations").getAsJsonArray("list")) {
            JsonObject a = e.getAsJsonObject();
            if (a.has("builtIn") || !a.has("target")) {
                continue;
            }
            JsonObject t = a.getAsJsonObject("target");
            out.add(new Panel(uid, title, "annotation: " + str(a, "name"), "annotation", 0,
                    List.of(new Target(str(t, "refId"), str(t, "rawSql"), "table"))));
        }
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : null;
    }

    /** Grafana interval strings: 30s, 1m, 5m, 1h, 1d, 500ms. */
    public static long parseInterval(String s) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("interval " + s);
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return n;
            case "s":
                return n * 1000;
            case "m":
                return n * 60_000;
            case "h":
                return n * 3_600_000;
            default:
                return n * 86_400_000;
        }
    }

    /** As Grafana prints an interval ({@code $__interval}): the largest whole unit. */
    public static String formatInterval(long ms) {
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /**
     * Replaces template variables as Grafana's frontend does for SQL datasources; {@code options}
     * gives each variable's options (for All). A variable with no value selected and not
     * multi-value is left for the caller to catch (the test fails on a leftover {@code $name}).
     */
    public static String replaceVariables(String sql, Dashboard d, Context ctx, long intervalMs,
            Function<Variable, List<String>> options) {
        return replaceVariables(sql, d, ctx, intervalMs, options, GrafanaDashboards::sqlList);
    }

    /** A multi-value variable without a format as the SQL datasources print it: {@code 'a','b'}, quotes doubled. */
    public static String sqlList(List<String> values) {
        return values.stream().map(GrafanaDashboards::quote).collect(Collectors.joining(","));
    }

    /**
     * A multi-value variable without a format as grafana-clickhouse-datasource prints it (its
     * {@code format(value)}, src/data/CHDatasource.ts): {@code 'a','b'}, joined as they are.
     */
    public static String clickhouseList(List<String> values) {
        return "'" + String.join("','", values) + "'";
    }

    /** The same, with {@code multiFormat} printing a multi-value (or All) variable that names no format. */
    public static String replaceVariables(String sql, Dashboard d, Context ctx, long intervalMs,
            Function<Variable, List<String>> options, Function<List<String>, String> multiFormat) {
        Map<String, Variable> defs = new LinkedHashMap<>();
        d.variables().forEach(v -> defs.put(v.name(), v));
        Matcher m = VAR.matcher(sql);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(4);
            String fmt = m.group(2);
            String rep;
            if (name.equals("__interval")) {
                rep = formatInterval(intervalMs);
            } else if (name.equals("__interval_ms")) {
                rep = Long.toString(intervalMs);
            } else if (name.startsWith("__")) {
                rep = m.group(); // a macro: the datasource's turn
            } else if (defs.containsKey(name)) {
                Variable v = defs.get(name);
                List<String> values = ctx.values().get(name);
                if (values == null) {
                    throw new IllegalStateException(d.uid() + ": no value chosen for $" + name);
                }
                boolean all = values.size() == 1 && values.get(0).equals("$__all");
                if (all) {
                    values = v.allValue() != null ? List.of(v.allValue()) : options.apply(v);
                }
                rep = format(values, fmt, v.multi() || v.includeAll(), all && v.allValue() != null, multiFormat);
            } else {
                rep = m.group();
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(rep));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String format(List<String> values, String fmt, boolean multi, boolean rawAll,
            Function<List<String>, String> multiFormat) {
        if (rawAll) {
            return values.get(0);
        }
        if (fmt == null) {
            if (!multi) {
                return values.get(0);
            }
            return multiFormat.apply(values);
        }
        switch (fmt) {
            case "sqlstring":
                return values.stream().map(GrafanaDashboards::quote).collect(Collectors.joining(","));
            case "csv":
                return String.join(",", values);
            case "raw":
                return String.join(",", values);
            case "singlequote":
                return values.stream().map(x -> "'" + x.replace("'", "\\'") + "'").collect(Collectors.joining(","));
            default:
                throw new IllegalArgumentException("variable format " + fmt);
        }
    }

    static String quote(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    /** The PostgreSQL datasource's macros. */
    public static String postgresMacros(String sql, long fromMillis, long toMillis) {
        String from = "'" + rfc3339(fromMillis) + "'";
        String to = "'" + rfc3339(toMillis) + "'";
        return macros(sql, (name, args) -> {
            switch (name) {
                case "__time":
                    return args.get(0) + " AS \"time\"";
                case "__timeEpoch":
                    return "extract(epoch from " + args.get(0) + ") as \"time\"";
                case "__timeFilter":
                    return args.get(0) + " BETWEEN " + from + " AND " + to;
                case "__timeFrom":
                    return from;
                case "__timeTo":
                    return to;
                case "__timeGroup":
                case "__timeGroupAlias": {
                    long s = parseInterval(unquote(args.get(1))) / 1000;
                    String g = "floor(extract(epoch from " + args.get(0) + ")/" + s + ")*" + s;
                    return name.equals("__timeGroupAlias") ? g + " AS \"time\"" : g;
                }
                case "__unixEpochFilter":
                    return args.get(0) + " >= " + fromMillis / 1000 + " AND " + args.get(0) + " <= " + toMillis / 1000;
                default:
                    throw new IllegalArgumentException("PostgreSQL datasource has no macro $" + name);
            }
        });
    }

    private static final Pattern BARE_CLICKHOUSE_MACRO = Pattern.compile("\\$__(fromTime_ms|toTime_ms|fromTime|toTime|interval_s)\\b(?!\\()");

    /**
     * The ClickHouse datasource's macros (grafana-clickhouse-datasource 4.x, pkg/macros/macros.go),
     * with or without parentheses for those that take no argument ({@code $__fromTime},
     * {@code $__toTime}, {@code $__fromTime_ms}, {@code $__toTime_ms}, {@code $__interval_s}).
     */
    public static String clickhouseMacros(String sql, long fromMillis, long toMillis, long intervalMs) {
        Matcher bare = BARE_CLICKHOUSE_MACRO.matcher(sql);
        StringBuilder sb = new StringBuilder();
        while (bare.find()) {
            bare.appendReplacement(sb, Matcher.quoteReplacement("$__" + bare.group(1) + "()"));
        }
        bare.appendTail(sb);
        return clickhouseCalls(sb.toString(), fromMillis, toMillis, intervalMs);
    }

    private static String clickhouseCalls(String sql, long fromMillis, long toMillis, long intervalMs) {
        return macros(sql, (name, args) -> {
            switch (name) {
                case "__timeFilter":
                    return args.get(0) + " >= toDateTime(" + fromMillis / 1000 + ") AND " + args.get(0) + " <= toDateTime("
                            + toMillis / 1000 + ")";
                case "__timeFilter_ms":
                    return args.get(0) + " >= fromUnixTimestamp64Milli(" + fromMillis + ") AND " + args.get(0)
                            + " <= fromUnixTimestamp64Milli(" + toMillis + ")";
                case "__dateFilter":
                    return args.get(0) + " >= toDate(" + fromMillis / 1000 + ") AND " + args.get(0) + " <= toDate("
                            + toMillis / 1000 + ")";
                case "__fromTime":
                    return "toDateTime(" + fromMillis / 1000 + ")";
                case "__toTime":
                    return "toDateTime(" + toMillis / 1000 + ")";
                case "__fromTime_ms":
                    return "fromUnixTimestamp64Milli(" + fromMillis + ")";
                case "__toTime_ms":
                    return "fromUnixTimestamp64Milli(" + toMillis + ")";
                case "__timeInterval":
                    return "toStartOfInterval(toDateTime(" + args.get(0) + "), INTERVAL " + Math.max(1, intervalMs / 1000) + " second)";
                case "__timeInterval_ms":
                    return "toStartOfInterval(toDateTime64(" + args.get(0) + ", 3), INTERVAL " + intervalMs + " millisecond)";
                case "__interval_s":
                    return Long.toString(Math.max(1, intervalMs / 1000));
                default:
                    throw new IllegalArgumentException("ClickHouse datasource has no macro $" + name);
            }
        });
    }

    /** {@code $__interval_s} is written without parentheses in ClickHouse queries. */
    public static String clickhouseIntervalSeconds(String sql, long intervalMs) {
        return sql.replace("$__interval_s", Long.toString(Math.max(1, intervalMs / 1000)));
    }

    private interface Expander {
        String expand(String name, List<String> args);
    }

    private static String macros(String sql, Expander e) {
        Matcher m = MACRO.matcher(sql);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            List<String> args = new ArrayList<>();
            if (!m.group(2).isBlank()) {
                for (String a : m.group(2).split(",")) {
                    args.add(a.trim());
                }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(e.expand(m.group(1), args)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String unquote(String s) {
        return s.startsWith("'") && s.endsWith("'") ? s.substring(1, s.length() - 1) : s;
    }

    static String rfc3339(long millis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis - Math.floorMod(millis, 1000L)))
                .toUpperCase(Locale.ROOT);
    }
}
