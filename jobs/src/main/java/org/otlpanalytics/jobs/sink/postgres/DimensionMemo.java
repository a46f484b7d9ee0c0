package org.otlpanalytics.jobs.sink.postgres;

import org.otlpanalytics.operators.common.KafkaRange;

/**
 * The tenant, resource and locator ids a writer's mapper computed last, so that a run of rows of
 * one resource and minute (a resource's minute fires at once, 31 {@code metric_1m} rows for a
 * hostmetrics host) hashes its ids once rather than per row. The rows queued are
 * {@link DimensionRows}'s, the same for every row, hit or miss; only the hashing is saved. Held by
 * the writer's {@link PgBatch}, so it is confined to the writer's thread.
 */
public final class DimensionMemo {
    private String tenant;
    private long tenantId;
    private final Resource resource = new Resource();
    private final Resource service = new Resource();
    private String locatorTopic;
    private String[] locatorIdentity;
    private long locatorId;
    /** A copy of the range of the locator row queued last (null: none queued yet). */
    private KafkaRange locatorRange;

    /** One remembered resource: its tenant and URN, and what its row is made of. */
    private static final class Resource {
        long tenantId;
        String urn;
        long id;
    }

    /** {@link DimensionRows#tenant}. */
    public long tenant(PgBatch b, String code) {
        if (!code.equals(tenant)) {
            tenantId = DimensionRows.tenantId(code);
            tenant = code;
        }
        b.addIfAbsent(DimensionRows.TENANT, tenantId, tenantId, code);
        return tenantId;
    }

    /** {@link DimensionRows#resource} of a fact's resource. */
    public long resource(PgBatch b, long tenantId, String urn, String name, String namespace) {
        return resource(resource, b, tenantId, urn, name, namespace);
    }

    /** {@link DimensionRows#resource} of a fact's reporting service (a second slot, so the two do not evict each other). */
    public long service(PgBatch b, long tenantId, String urn, String name, String namespace) {
        return resource(service, b, tenantId, urn, name, namespace);
    }

    private static long resource(Resource r, PgBatch b, long tenantId, String urn, String name, String namespace) {
        if (r.urn == null || r.tenantId != tenantId || !r.urn.equals(urn)) {
            r.id = DimensionRows.resourceId(tenantId, urn);
            r.tenantId = tenantId;
            r.urn = urn;
        }
        DimensionRows.queueResource(b, r.id, tenantId, urn, name, namespace);
        return r.id;
    }

    /** {@link DimensionRows#locator}. */
    public Long locator(PgBatch b, String topic, KafkaRange range, String... identity) {
        if (range == null || range.isEmpty()) {
            return null;
        }
        if (!topic.equals(locatorTopic) || !java.util.Arrays.equals(identity, locatorIdentity)) {
            locatorId = DimensionRows.locatorId(topic, identity);
            locatorTopic = topic;
            locatorIdentity = identity;
            locatorRange = null;
        } else if (range.equals(locatorRange) && b.isPending(DimensionRows.LOCATOR, locatorId)) {
            // the set pending for this id is the one queued last, from an equal range: queuing it again
            // would replace it with the same values (a resource's minute: one locator for all its rows)
            return locatorId;
        }
        DimensionRows.queueLocator(b, locatorId, topic, range);
        locatorRange = range.copy(); // a copy: the caller's range may change after this call
        return locatorId;
    }
}
