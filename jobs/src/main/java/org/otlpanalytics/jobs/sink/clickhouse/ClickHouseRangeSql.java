package org.otlpanalytics.jobs.sink.clickhouse;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The range SQL of {@code sql/clickhouse/range/} with its time range bound. The files name their
 * parameters as ClickHouse query parameters, {@code {t_from:DateTime}} and {@code {t_to:DateTime}},
 * which current servers bind themselves ({@code --param_t_from}); 18.16 has no query parameters, so
 * the same text runs on both with each placeholder replaced by {@code toDateTime(<epoch seconds>, 'UTC')}
 * rendered from an {@link Instant}: a number the caller cannot turn into anything else. Any other
 * placeholder is refused, so no value ever reaches the text as a string.
 *
 * <pre>{@code
 * String sql = ClickHouseRangeSql.bound("red_range", from, to);   // run with ClickHouseHttp.query
 * }</pre>
 */
public final class ClickHouseRangeSql {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+):([^}]+)}");

    private ClickHouseRangeSql() {}

    /** The query of {@code range/<name>.sql} over [from, to), without comments and the final ';'. */
    public static String bound(String name, Instant from, Instant to) {
        String text = ClickHouseSqlFiles.range().get(name + ".sql");
        if (text == null) {
            throw new IllegalArgumentException("no range query " + name + " (have " + ClickHouseSqlFiles.range().keySet() + ")");
        }
        String q = bind(ClickHouseSqlFiles.withoutComments(text).strip(), from, to);
        return q.endsWith(";") ? q.substring(0, q.length() - 1) : q;
    }

    /** {@code sql} with {@code {t_from:DateTime}} and {@code {t_to:DateTime}} replaced by the instants (whole seconds, rounded up). */
    public static String bind(String sql, Instant from, Instant to) {
        Matcher m = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Instant v = switch (m.group(1)) {
                case "t_from" -> from;
                case "t_to" -> to;
                default -> throw new IllegalArgumentException("unknown parameter {" + m.group(1) + ":" + m.group(2) + "}");
            };
            if (!m.group(2).equals("DateTime")) {
                throw new IllegalArgumentException("parameter " + m.group(1) + " must be DateTime, is " + m.group(2));
            }
            m.appendReplacement(out, "toDateTime(" + seconds(v) + ", 'UTC')");
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Epoch seconds rounded up: the buckets are whole seconds, and {@code bucket >= t} and
     * {@code bucket < t} hold for a bucket exactly when they hold against t rounded up.
     */
    static long seconds(Instant t) {
        return t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0);
    }
}
