-- Resources are per tenant (issue 16, item 5). Before, dim_resource was unique on urn and its id
-- a hash of the URN alone, so two tenants running a service of the same name shared one row,
-- whose tenant and name were whichever tenant's write arrived first. Now a resource is one URN
-- within one tenant: resource_id = StableHash.positiveId("resource", <tenant_id in decimal>, urn)
-- (DimensionRows.resourceId, length-prefixed parts), unique on (tenant_id, urn), and every fact
-- row's resource ids belong to the fact's tenant. Joins on resource_id alone stay correct.
-- The next migration (V6, RekeyDimensionsMigration, Java: the ids are hashes computed in Java)
-- rewrites the ids of rows written before this one.

ALTER TABLE dim_resource DROP CONSTRAINT IF EXISTS dim_resource_urn_key;
ALTER TABLE dim_resource ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE dim_resource ADD CONSTRAINT dim_resource_tenant_urn_key UNIQUE (tenant_id, urn);
-- the incident queries find a service by name within a tenant
CREATE INDEX IF NOT EXISTS dim_resource_tenant_name ON dim_resource (tenant_id, name);
