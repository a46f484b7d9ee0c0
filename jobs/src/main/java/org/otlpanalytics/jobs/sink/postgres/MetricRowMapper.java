package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import java.util.Locale;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.schemas.JsonText;

/** Upserts of {@code metric_1m} rows (with their tenant, resource, reporting service and locator). */
public final class MetricRowMapper implements PgRowMapper<MetricRow> {
    private static final long serialVersionUID = 1L;
    private static final int METRIC = DimensionRows.STATEMENTS.size();

    /** The columns an upsert of a row sets (all but the key). */
    private static final String[] SET = {"labels", "service_resource_id", "unit", "metric_type", "kind", "points", "avg",
            "min", "max", "p95", "last", "total", "rate", "count", "sum", "value_kll", "buckets", "sample_ref", "value_idx",
            "value_cnt"};
    static final String UPSERT_METRIC = "INSERT INTO metric_1m (bucket, tenant_id, resource_id, metric, labels_hash, "
            + "labels, service_resource_id, unit, metric_type, kind, points, avg, min, max, p95, last, total, rate, "
            + "count, sum, value_kll, buckets, sample_ref, value_idx, value_cnt) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (bucket, tenant_id, resource_id, metric, labels_hash) DO UPDATE SET "
            + "labels = EXCLUDED.labels, service_resource_id = EXCLUDED.service_resource_id, unit = EXCLUDED.unit, "
            + "metric_type = EXCLUDED.metric_type, kind = EXCLUDED.kind, points = EXCLUDED.points, avg = EXCLUDED.avg, "
            + "min = EXCLUDED.min, max = EXCLUDED.max, p95 = EXCLUDED.p95, last = EXCLUDED.last, "
            + "total = EXCLUDED.total, rate = EXCLUDED.rate, count = EXCLUDED.count, sum = EXCLUDED.sum, "
            + "value_kll = EXCLUDED.value_kll, buckets = EXCLUDED.buckets, sample_ref = EXCLUDED.sample_ref, "
            + "value_idx = EXCLUDED.value_idx, value_cnt = EXCLUDED.value_cnt "
            // a replay (or a restart from a checkpoint) rewrites rows with the values they hold: such a
            // row is left as it is, rather than written again as a new row version with new index entries
            + "WHERE (" + changed("metric_1m") + ") IS DISTINCT FROM (" + changed("EXCLUDED") + ")";

    private static final int[] NO_INTS = new int[0];
    private static final long[] NO_LONGS = new long[0];

    private final String topic;

    public MetricRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(PgStatement.bulk("metric_1m", UPSERT_METRIC));
        return s;
    }

    @Override
    public void map(MetricRow r, PgBatch b) {
        // a resource's rows of a minute come together: their ids are hashed once (DimensionMemo)
        DimensionMemo dims = b.dimensions();
        long tenantId = dims.tenant(b, r.tenant);
        long resourceId = resource(b, tenantId, r.resourceUrn);
        Long serviceId = r.serviceUrn == null ? null
                : dims.service(b, tenantId, r.serviceUrn, r.serviceName, r.serviceNamespace);
        Long locator = dims.locator(b, topic, r.kafkaRange, "metric_1m", r.tenant, r.resourceUrn,
                Long.toString(r.bucketStartMillis));
        List<Object> key = List.of(r.bucketStartMillis, tenantId, resourceId, r.metric, r.labelsHash);
        b.add(METRIC, key, PgParams.ts(r.bucketStartMillis), tenantId, resourceId, r.metric, r.labelsHash,
                new PgParams.Json(r.labelsJson()), serviceId, r.unit == null ? "" : r.unit, lower(r.type),
                lower(r.kind), r.points, r.avg, r.min, r.max, r.p95, r.last, r.total, r.rate, r.count, r.sum, r.kll,
                bucketsJson(r), locator, r.valueIdx == null ? NO_INTS : r.valueIdx, r.valueCnt == null ? NO_LONGS : r.valueCnt);
    }

    /**
     * Queues the dim_resource row of a metrics resource: {@code urn:host:<name>} or
     * {@code urn:svc:<namespace>/<name>}; returns its id.
     */
    static long resource(PgBatch b, long tenantId, String urn) {
        String name = urn;
        String namespace = null;
        if (urn.startsWith("urn:host:")) {
            name = urn.substring("urn:host:".length());
        } else if (urn.startsWith("urn:svc:") && urn.indexOf('/') > 0) {
            namespace = urn.substring("urn:svc:".length(), urn.indexOf('/'));
            name = urn.substring(urn.indexOf('/') + 1);
        }
        return b.dimensions().resource(b, tenantId, urn, name, namespace);
    }

    /** The set columns of {@code row} ({@code metric_1m} or {@code EXCLUDED}), comma-separated. */
    private static String changed(String row) {
        StringBuilder sb = new StringBuilder();
        for (String c : SET) {
            sb.append(sb.length() > 0 ? ", " : "").append(row).append('.').append(c);
        }
        return sb.toString();
    }

    private static String lower(Enum<?> e) {
        return e == null ? "" : e.name().toLowerCase(Locale.ROOT);
    }

    /** Histogram buckets as JSON, or null for levels and rates. */
    static PgParams.Json bucketsJson(MetricRow r) {
        StringBuilder sb = new StringBuilder();
        if (r.bucketCounts.length > 0) {
            sb.append("{\"bounds\":");
            doubles(sb, r.bucketBounds);
            sb.append(",\"counts\":");
            longs(sb, r.bucketCounts);
            return new PgParams.Json(sb.append('}').toString());
        }
        if (r.expPositiveCounts.length > 0 || r.expNegativeCounts.length > 0 || r.expZeroCount > 0) {
            sb.append("{\"scale\":").append(r.expScale).append(",\"zeroCount\":").append(r.expZeroCount)
                    .append(",\"positiveOffset\":").append(r.expPositiveOffset).append(",\"positive\":");
            longs(sb, r.expPositiveCounts);
            sb.append(",\"negativeOffset\":").append(r.expNegativeOffset).append(",\"negative\":");
            longs(sb, r.expNegativeCounts);
            return new PgParams.Json(sb.append('}').toString());
        }
        return null;
    }

    private static void doubles(StringBuilder sb, double[] d) {
        sb.append('[');
        for (int i = 0; i < d.length; i++) {
            sb.append(i > 0 ? "," : "").append(Double.isFinite(d[i]) ? Double.toString(d[i]) : "null");
        }
        sb.append(']');
    }

    private static void longs(StringBuilder sb, long[] v) {
        sb.append('[');
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? "," : "").append(v[i]);
        }
        sb.append(']');
    }

    /** A JSON array of strings. */
    static String jsonStrings(String[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? "," : "");
            JsonText.appendQuoted(sb, values[i]);
        }
        return sb.append(']').toString();
    }

    @Override
    public KafkaOrigin origin(MetricRow r) {
        return KafkaOrigin.of(topic, r.kafkaRange);
    }
}
