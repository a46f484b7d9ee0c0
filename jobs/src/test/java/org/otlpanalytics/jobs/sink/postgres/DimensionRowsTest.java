package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DimensionRowsTest {
    @Test
    void deterministicIdsAreStableAndPositive() {
        long tenant = DimensionRows.tenantId("default");
        long a = DimensionRows.resourceId(tenant, "urn:svc:shop/cart");
        assertThat(a).isPositive().isEqualTo(DimensionRows.resourceId(tenant, "urn:svc:shop/cart"));
        assertThat(DimensionRows.resourceId(tenant, "urn:svc:shop/cart2")).isNotEqualTo(a);
        assertThat(tenant).isPositive();
    }

    @Test
    void sameUrnInTwoTenantsIsTwoResources() {
        long acme = DimensionRows.tenantId("acme");
        long globex = DimensionRows.tenantId("globex");
        assertThat(DimensionRows.resourceId(acme, "urn:svc:shop/cart"))
                .isNotEqualTo(DimensionRows.resourceId(globex, "urn:svc:shop/cart"));
        PgBatch b = new PgBatch(DimensionRows.STATEMENTS.size());
        long r1 = DimensionRows.resource(b, acme, "urn:svc:shop/cart", "cart", "shop");
        long r2 = DimensionRows.resource(b, globex, "urn:svc:shop/cart", "cart", "shop");
        assertThat(b.forStatement(DimensionRows.RESOURCE)).containsOnlyKeys(r1, r2);
        assertThat(b.forStatement(DimensionRows.RESOURCE).get(r2)).containsExactly(r2, "urn:svc:shop/cart", "svc", "cart",
                "shop", globex);
    }
}
