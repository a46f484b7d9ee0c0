package org.otlpanalytics.jobs.sink.postgres;

import java.util.Arrays;
import java.util.List;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.StableHash;

/**
 * The shared upserts every fact table needs first: tenants, resources and Kafka locators,
 * with their deterministic ids. Mappers list {@link #STATEMENTS} before their own.
 */
public final class DimensionRows {
    public static final int TENANT = 0;
    public static final int RESOURCE = 1;
    public static final int LOCATOR = 2;

    public static final List<PgStatement> STATEMENTS = List.of(
            new PgStatement("dim_tenant",
                    "INSERT INTO dim_tenant (tenant_id, code) VALUES (?, ?) ON CONFLICT DO NOTHING"),
            new PgStatement("dim_resource",
                    "INSERT INTO dim_resource (resource_id, urn, kind, name, namespace, tenant_id) "
                            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
            new PgStatement("kafka_locator",
                    "INSERT INTO kafka_locator (id, topic, partitions, offset_from, offset_to, time_from, time_to) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET topic = EXCLUDED.topic, "
                            + "partitions = EXCLUDED.partitions, offset_from = EXCLUDED.offset_from, "
                            + "offset_to = EXCLUDED.offset_to, time_from = EXCLUDED.time_from, time_to = EXCLUDED.time_to"));

    private DimensionRows() {}

    public static long tenantId(String tenant) {
        return StableHash.positiveId("tenant", tenant);
    }

    /**
     * A resource is one URN within one tenant: two tenants running a service of the same name have
     * two resources, each with its own name and tenant ({@code dim_resource} is unique on
     * {@code (tenant_id, urn)}). The id hashes the parts length-prefixed, so no choice of URN can
     * produce another tenant's id.
     */
    public static long resourceId(long tenantId, String urn) {
        return StableHash.positiveId("resource", Long.toString(tenantId), urn);
    }

    /** Queues the tenant row and returns its id. */
    public static long tenant(PgBatch b, String tenant) {
        long id = tenantId(tenant);
        b.addIfAbsent(TENANT, id, id, tenant);
        return id;
    }

    /**
     * Queues the tenant's resource row and returns its id; kind is the URN's scheme part (svc,
     * host, peer, k8s). The row is written once (DO NOTHING): name, namespace and kind are read
     * from the URN by every mapper, so which writer inserts it first does not matter.
     */
    public static long resource(PgBatch b, long tenantId, String urn, String name, String namespace) {
        long id = resourceId(tenantId, urn);
        queueResource(b, id, tenantId, urn, name, namespace);
        return id;
    }

    /** Queues the resource row of id {@code id} (its {@link #resourceId}). */
    static void queueResource(PgBatch b, long id, long tenantId, String urn, String name, String namespace) {
        if (b.isPending(RESOURCE, id)) {
            return; // queued already: the row is the same (DO NOTHING), and so is the kind read from the URN
        }
        String kind = urn.startsWith("urn:") && urn.indexOf(':', 4) > 0 ? urn.substring(4, urn.indexOf(':', 4)) : "other";
        b.addIfAbsent(RESOURCE, id, id, urn, kind, name, namespace, tenantId);
    }

    /** Queues a locator row for {@code range} of {@code topic}; returns its id (null when the range is empty). */
    public static Long locator(PgBatch b, String topic, KafkaRange range, String... identity) {
        if (range == null || range.isEmpty()) {
            return null;
        }
        long id = locatorId(topic, identity);
        queueLocator(b, id, topic, range);
        return id;
    }

    /** The id of the locator of {@code identity} in {@code topic}. */
    static long locatorId(String topic, String... identity) {
        String[] parts = Arrays.copyOf(identity, identity.length + 1);
        parts[identity.length] = topic;
        return StableHash.positiveId(parts);
    }

    /** Queues the locator row of id {@code id} for a non-empty {@code range}. */
    static void queueLocator(PgBatch b, long id, String topic, KafkaRange range) {
        int n = 0;
        for (long f : range.from) {
            if (f >= 0) {
                n++;
            }
        }
        int[] partitions = new int[n];
        long[] from = new long[n];
        long[] to = new long[n];
        int j = 0;
        for (int p = 0; p < range.from.length; p++) {
            if (range.from[p] >= 0) {
                partitions[j] = p;
                from[j] = range.from[p];
                to[j] = range.to[p];
                j++;
            }
        }
        b.add(LOCATOR, id, id, topic, partitions, from, to, PgParams.ts(range.timeFromMillis), PgParams.ts(range.timeToMillis));
    }
}
