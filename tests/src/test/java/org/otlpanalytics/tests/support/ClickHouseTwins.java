package org.otlpanalytics.tests.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;

/**
 * Every aggregate table read from PostgreSQL and from ClickHouse (duplicate-free: FINAL, and the
 * collapsing view for log_pattern) as comparable text rows: names instead of ids on both sides,
 * times as epoch seconds (an old ClickHouse keeps whole seconds), sketches as hex, Kafka ranges as
 * {@code topic:partition:from-to}, JSON with sorted keys, numbers as Java prints them. Sorted, so the
 * twins compare row for row.
 */
public final class ClickHouseTwins {
    /** The Kafka range of a kafka_locator row {@code k} in the --offsets form. */
    static final String OFFSETS = "coalesce((SELECT string_agg(k.topic || ':' || x.p || ':' || x.f || '-' || x.t, ',' ORDER BY x.p) "
            + "FROM unnest(k.partitions, k.offset_from, k.offset_to) AS x(p, f, t)), '')";

    /** A ClickHouse array as PostgreSQL's array_to_string(a, ',') prints it. */
    static final String ARRAY = "arrayStringConcat(arrayMap(x -> toString(x), %s), ',')";

    /** One table: both queries and the type of each column (i integer, f float, s string, j JSON). */
    public record Twin(String table, String postgres, String clickhouse, String types) {}

    public static final List<Twin> TABLES = List.of(
            new Twin("red_1m",
                    "SELECT extract(epoch from r.bucket)::bigint, t.code, d.name, d.namespace, d.urn, r.operation, r.span_kind, "
                            + "r.status, r.calls, r.errors, r.duration_sum_ms, r.p50_ms, r.p95_ms, r.p99_ms, r.distinct_traces, "
                            + "encode(r.duration_kll, 'hex'), encode(r.trace_hll, 'hex'), " + OFFSETS + ", r.duration_min_ms, "
                            + "r.duration_max_ms, array_to_string(r.duration_idx, ','), array_to_string(r.duration_cnt, ','), "
                            + "array_to_string(r.trace_hll_regs, ',') FROM red_1m r "
                            + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
                            + "LEFT JOIN kafka_locator k ON k.id = r.sample_ref",
                    "SELECT toUnixTimestamp(bucket), tenant, service, service_namespace, service_urn, operation, span_kind, "
                            + "status, calls, errors, duration_sum_ms, p50_ms, p95_ms, p99_ms, distinct_traces, "
                            + "lower(hex(duration_kll)), lower(hex(trace_hll)), kafka_offsets, duration_min_ms, duration_max_ms, "
                            + ARRAY.formatted("duration_idx") + ", " + ARRAY.formatted("duration_cnt") + ", "
                            + ARRAY.formatted("trace_hll_regs") + " FROM red_1m FINAL",
                    "isssssssiifffffsssffsss"),
            new Twin("service_call_5m",
                    "SELECT extract(epoch from e.bucket)::bigint, t.code, s.name, s.urn, d.name, d.urn, e.connection_type, "
                            + "e.calls, e.errors, e.rps, e.err_rate, e.duration_side, e.p50_ms, e.p95_ms, e.p99_ms, "
                            + "e.duration_sum_ms, encode(e.duration_kll, 'hex'), e.server_calls, e.server_p50_ms, e.server_p95_ms, "
                            + "encode(e.server_kll, 'hex'), floor(extract(epoch from e.first_seen))::bigint, "
                            + "floor(extract(epoch from e.last_seen))::bigint, e.sample_trace_id, " + OFFSETS
                            + ", e.duration_min_ms, e.duration_max_ms, array_to_string(e.duration_idx, ','), "
                            + "array_to_string(e.duration_cnt, ','), e.server_min_ms, e.server_max_ms, array_to_string(e.server_idx, ','), "
                            + "array_to_string(e.server_cnt, ',') FROM service_call_5m e JOIN dim_tenant t USING (tenant_id) "
                            + "JOIN dim_resource s ON s.resource_id = e.src_resource_id "
                            + "JOIN dim_resource d ON d.resource_id = e.dst_resource_id LEFT JOIN kafka_locator k ON k.id = e.sample_ref",
                    "SELECT toUnixTimestamp(bucket), tenant, caller, caller_urn, callee, callee_urn, connection_type, calls, "
                            + "errors, rps, err_rate, duration_side, p50_ms, p95_ms, p99_ms, duration_sum_ms, lower(hex(duration_kll)), "
                            + "server_calls, server_p50_ms, server_p95_ms, lower(hex(server_kll)), toUnixTimestamp(first_seen), "
                            + "toUnixTimestamp(last_seen), sample_trace_id, kafka_offsets, duration_min_ms, duration_max_ms, "
                            + ARRAY.formatted("duration_idx") + ", " + ARRAY.formatted("duration_cnt") + ", server_min_ms, server_max_ms, "
                            + ARRAY.formatted("server_idx") + ", " + ARRAY.formatted("server_cnt") + " FROM service_call_5m FINAL",
                    "issssssiiffsffffsiffsiissffssffss"),
            new Twin("span_attr_1m",
                    "SELECT extract(epoch from a.bucket)::bigint, t.code, d.name, d.urn, a.attribute, a.spans, "
                            + "array_to_string(a.items, '|'), array_to_string(a.counts, ','), a.max_error, a.distinct_values, "
                            + "array_to_string(a.hll_regs, ','), encode(a.hll, 'hex'), encode(a.items_sketch, 'hex'), " + OFFSETS
                            + " FROM span_attr_1m a JOIN dim_tenant t ON t.tenant_id = a.tenant_id "
                            + "JOIN dim_resource d ON d.resource_id = a.resource_id LEFT JOIN kafka_locator k ON k.id = a.sample_ref",
                    "SELECT toUnixTimestamp(bucket), tenant, service, service_urn, attribute, spans, arrayStringConcat(items, '|'), "
                            + ARRAY.formatted("counts") + ", max_error, distinct_values, " + ARRAY.formatted("hll_regs") + ", "
                            + "lower(hex(hll)), lower(hex(items_sketch)), kafka_offsets FROM span_attr_1m FINAL",
                    "issssissifssss"),
            new Twin("log_pattern_5m",
                    "SELECT extract(epoch from f.bucket)::bigint, t.code, d.name, d.urn, f.fingerprint_id, f.count_total, "
                            + "f.count_error, " + OFFSETS + " FROM log_pattern_5m f JOIN dim_tenant t ON t.tenant_id = f.tenant_id "
                            + "JOIN dim_resource d ON d.resource_id = f.resource_id LEFT JOIN kafka_locator k ON k.id = f.sample_ref",
                    "SELECT toUnixTimestamp(bucket), tenant, service, service_urn, fingerprint_id, count_total, count_error, "
                            + "kafka_offsets FROM log_pattern_5m FINAL",
                    "isssiiis"),
            new Twin("log_pattern",
                    "SELECT p.fingerprint_id, t.code, d.name, d.urn, p.pattern, p.sample, p.sample_time_unix_nano / 1000000000, "
                            + "p.sample_partition, p.sample_offset, p.severity_number, p.severity_text, "
                            + "floor(extract(epoch from p.first_seen))::bigint, floor(extract(epoch from p.last_seen))::bigint, "
                            + "array_to_string(p.aliases, ' '), p.merged_into FROM log_pattern p "
                            + "JOIN dim_tenant t ON t.tenant_id = p.tenant_id JOIN dim_resource d ON d.resource_id = p.resource_id",
                    "SELECT fingerprint_id, tenant, service, service_urn, pattern, sample, toUnixTimestamp(sample_time), "
                            + "sample_partition, sample_offset, severity_number, severity_text, toUnixTimestamp(first_seen), "
                            + "toUnixTimestamp(last_seen), arrayStringConcat(arrayMap(x -> toString(x), aliases), ' '), merged_into "
                            + "FROM log_pattern_current",
                    "issssssiiisiisi"),
            new Twin("metric_1m",
                    "SELECT extract(epoch from m.bucket)::bigint, t.code, d.urn, coalesce(s.name, ''), coalesce(s.urn, ''), "
                            + "m.metric, m.labels_hash, m.labels::text, m.unit, m.metric_type, m.kind, m.points, m.avg, m.min, m.max, "
                            + "m.p95, m.last, m.total, m.rate, m.count, m.sum, encode(m.value_kll, 'hex'), m.buckets::text, "
                            + OFFSETS + " FROM metric_1m m JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
                            + "LEFT JOIN dim_resource s ON s.resource_id = m.service_resource_id "
                            + "LEFT JOIN kafka_locator k ON k.id = m.sample_ref",
                    // labels and buckets are turned into PostgreSQL's JSON by metricRow below
                    "SELECT toUnixTimestamp(bucket), tenant, resource_urn, service, service_urn, metric, labels_hash, "
                            + "labels.keys AS lk, labels.values AS lv, unit, metric_type, kind, points, avg, min, max, p95, last, "
                            + "total, rate, count, sum, lower(hex(value_kll)), bucket_bounds, bucket_counts, exp_scale, "
                            + "exp_zero_count, exp_positive_offset, exp_positive_counts, exp_negative_offset, exp_negative_counts, "
                            + "kafka_offsets FROM metric_1m FINAL",
                    "isssssijsssifffffffifsjs"),
            new Twin("use_1m",
                    "SELECT extract(epoch from u.bucket)::bigint, t.code, d.urn, d.kind, u.utilization, u.utilization_component, "
                            + "u.saturation, u.saturation_component, u.errors_per_s, u.contributors::text FROM use_1m u "
                            + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)",
                    "SELECT toUnixTimestamp(bucket), tenant, resource_urn, resource_kind, utilization, utilization_component, "
                            + "saturation, saturation_component, errors_per_s, contributors FROM use_1m FINAL",
                    "isssfsfsfj"),
            new Twin("event_envelope",
                    "SELECT e.event_id, t.code, r.urn, p.urn, e.kind, e.signal, e.severity, e.title, e.summary, "
                            + "floor(extract(epoch from e.opened_at))::bigint, floor(extract(epoch from e.closed_at))::bigint, "
                            + "e.baseline, e.observed, e.deviations FROM event_envelope e JOIN dim_tenant t USING (tenant_id) "
                            + "JOIN dim_resource r ON r.resource_id = e.resource_id "
                            + "LEFT JOIN dim_resource p ON p.resource_id = e.peer_resource_id",
                    "SELECT event_id, tenant, resource_urn, peer_urn, kind, signal, severity, title, "
                            + "summary, toUnixTimestamp(opened_at), toUnixTimestamp(closed_at), baseline, observed, deviations "
                            + "FROM event_envelope FINAL",
                    // names left out: PostgreSQL keeps the first name a resource got (dim_resource), ClickHouse the row's
                    "issssssssiifff"),
            new Twin("evidence_link",
                    "SELECT l.event_id, t.code, l.dim, l.ref, l.detail, l.score FROM evidence_link l JOIN dim_tenant t USING (tenant_id)",
                    "SELECT event_id, tenant, dim, ref, detail, score FROM evidence_link FINAL",
                    "issssf"));

    private ClickHouseTwins() {}

    public static Twin table(String name) {
        return TABLES.stream().filter(t -> t.table().equals(name)).findFirst().orElseThrow();
    }

    /** The table's rows in PostgreSQL, normalized and sorted. */
    public static List<String> postgres(PostgresServer pg, Twin t) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(t.postgres())) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    row.add(normalize(t.types().charAt(i - 1), v == null ? JsonNull.INSTANCE : new JsonPrimitive(v)));
                }
                out.add(String.join(" | ", row));
            }
        }
        Collections.sort(out);
        return out;
    }

    /** The table's rows in ClickHouse database {@code http}, read duplicate-free, normalized and sorted. */
    public static List<String> clickhouse(ClickHouseHttp http, Twin t) throws ClickHouseException {
        List<String> out = new ArrayList<>();
        Function<Map<String, JsonElement>, List<JsonElement>> shape = t.table().equals("metric_1m") ? ClickHouseTwins::metricRow
                : r -> new ArrayList<>(r.values());
        for (Map<String, JsonElement> r : ClickHouseService.rows(http, t.clickhouse())) {
            List<JsonElement> values = shape.apply(r);
            List<String> row = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                row.add(normalize(t.types().charAt(i), values.get(i)));
            }
            out.add(String.join(" | ", row));
        }
        Collections.sort(out);
        return out;
    }

    /** A metric_1m row with labels and histogram buckets as the JSON PostgreSQL stores (MetricRowMapper). */
    static List<JsonElement> metricRow(Map<String, JsonElement> r) {
        List<JsonElement> v = new ArrayList<>();
        List<String> names = new ArrayList<>(r.keySet());
        for (String k : names.subList(0, 7)) {
            v.add(r.get(k));
        }
        JsonObject labels = new JsonObject();
        JsonArray lk = r.get("lk").getAsJsonArray();
        JsonArray lv = r.get("lv").getAsJsonArray();
        for (int i = 0; i < lk.size(); i++) {
            labels.add(lk.get(i).getAsString(), lv.get(i));
        }
        v.add(labels);
        for (String k : names.subList(9, 23)) {
            v.add(r.get(k));
        }
        JsonArray counts = r.get("bucket_counts").getAsJsonArray();
        JsonArray pos = r.get("exp_positive_counts").getAsJsonArray();
        JsonArray neg = r.get("exp_negative_counts").getAsJsonArray();
        JsonObject buckets = new JsonObject();
        if (counts.size() > 0) {
            buckets.add("bounds", r.get("bucket_bounds"));
            buckets.add("counts", counts);
            v.add(buckets);
        } else if (pos.size() > 0 || neg.size() > 0 || r.get("exp_zero_count").getAsLong() > 0) {
            buckets.add("scale", r.get("exp_scale"));
            buckets.add("zeroCount", r.get("exp_zero_count"));
            buckets.add("positiveOffset", r.get("exp_positive_offset"));
            buckets.add("positive", pos);
            buckets.add("negativeOffset", r.get("exp_negative_offset"));
            buckets.add("negative", neg);
            v.add(buckets);
        } else {
            v.add(JsonNull.INSTANCE);
        }
        v.add(r.get("kafka_offsets"));
        return v;
    }

    /** One value as text: integers and floats as Java prints them, '' for a missing string, JSON canonical. */
    static String normalize(char type, JsonElement v) {
        if (v == null || v.isJsonNull()) {
            return type == 's' ? "" : "null";
        }
        switch (type) {
            case 'i':
                return Long.toString(new java.math.BigDecimal(v.getAsString()).longValueExact());
            case 'f':
                return Double.toString(Double.parseDouble(v.getAsString()));
            case 'j':
                return canonical(v.isJsonPrimitive() ? JsonParser.parseString(v.getAsString()) : v).toString();
            default:
                return v.getAsString();
        }
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+");

    /** JSON with object keys sorted and every number (also a quoted integer) as a double. */
    static JsonElement canonical(JsonElement e) {
        if (e.isJsonObject()) {
            TreeMap<String, JsonElement> sorted = new TreeMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> sorted.put(x.getKey(), canonical(x.getValue())));
            JsonObject o = new JsonObject();
            sorted.forEach(o::add);
            return o;
        }
        if (e.isJsonArray()) {
            JsonArray a = new JsonArray();
            e.getAsJsonArray().forEach(x -> a.add(canonical(x)));
            return a;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return new JsonPrimitive(Double.toString(e.getAsDouble()));
        }
        // ClickHouse's JSON quotes 64-bit integers ("22"); PostgreSQL's JSON has the number 22
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() && NUMBER.matcher(e.getAsString()).matches()) {
            return new JsonPrimitive(Double.toString(Double.parseDouble(e.getAsString())));
        }
        return e;
    }
}
