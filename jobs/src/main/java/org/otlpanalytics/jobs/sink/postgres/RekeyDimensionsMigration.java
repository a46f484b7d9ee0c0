package org.otlpanalytics.jobs.sink.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Flyway migration 6: recomputes the deterministic ids of rows written before version 5, so a
 * database filled by an earlier release joins up with what this release writes. Two things
 * changed: ids hash their parts length-prefixed ({@code StableHash}), so every tenant id moved,
 * and a resource is one URN within one tenant ({@code V5__resources_per_tenant.sql}), so a
 * resource row that several tenants shared becomes one row per tenant. The ids are computed here
 * with {@link DimensionRows}, the same code the writers use (which is why this migration is Java).
 *
 * <p>Every (tenant, resource) pair found in a fact table or in {@code dim_resource} gets the new
 * ids of its tenant's code and the resource's URN; the dimension rows are rebuilt from those
 * pairs and every fact table is rewritten through them, in one transaction. Rows whose tenant or
 * resource has no dimension row keep their ids. On an empty database it does nothing. Kafka
 * locator ids are left alone: old rows keep pointing at old locators, which stay.
 */
public final class RekeyDimensionsMigration implements JavaMigration {
    /** Fact tables and their resource columns, as of version 5. */
    private static final String[][] ONE_RESOURCE = {
        {"red_1m", "resource_id"}, {"use_1m", "resource_id"}, {"log_pattern", "resource_id"},
        {"log_pattern_5m", "resource_id"}, {"metric_1m", "service_resource_id"}, {"metric_1m", "resource_id"},
    };
    private static final String[] TWO_RESOURCES = {"service_call_5m", "topo_edge_time", "live_edge"};

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("6");
    }

    @Override
    public String getDescription() {
        return "rekey dimensions per tenant";
    }

    /** Fixed: changing what this migration does would need a new version, as for a SQL file. */
    @Override
    public Integer getChecksum() {
        return 6;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        Map<Long, String> codes = new HashMap<>();
        query(c, "SELECT tenant_id, code FROM dim_tenant", rs -> codes.put(rs.getLong(1), rs.getString(2)));
        if (codes.isEmpty()) {
            return;
        }
        Map<Long, String> urns = new HashMap<>();
        query(c, "SELECT resource_id, urn FROM dim_resource", rs -> urns.put(rs.getLong(1), rs.getString(2)));
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE rekey_tenant (old_id BIGINT PRIMARY KEY, new_id BIGINT NOT NULL) ON COMMIT DROP");
            s.execute("CREATE TEMP TABLE rekey_resource (old_tenant BIGINT, old_id BIGINT, new_tenant BIGINT NOT NULL, "
                    + "new_id BIGINT NOT NULL, PRIMARY KEY (old_tenant, old_id)) ON COMMIT DROP");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rekey_tenant VALUES (?, ?)")) {
            for (Map.Entry<Long, String> t : codes.entrySet()) {
                ps.setLong(1, t.getKey());
                ps.setLong(2, DimensionRows.tenantId(t.getValue()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rekey_resource VALUES (?, ?, ?, ?)")) {
            query(c, pairsSql(), rs -> {
                String code = codes.get(rs.getLong(1));
                String urn = urns.get(rs.getLong(2));
                if (code != null && urn != null) {
                    long tenant = DimensionRows.tenantId(code);
                    ps.setLong(1, rs.getLong(1));
                    ps.setLong(2, rs.getLong(2));
                    ps.setLong(3, tenant);
                    ps.setLong(4, DimensionRows.resourceId(tenant, urn));
                    ps.addBatch();
                }
            });
            ps.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            String fk = foreignKeyName(c);
            if (fk != null) {
                s.execute("ALTER TABLE dim_resource DROP CONSTRAINT \"" + fk.replace("\"", "\"\"") + "\"");
            }
            s.execute("CREATE TEMP TABLE rekey_new_resource ON COMMIT DROP AS SELECT DISTINCT ON (m.new_id) m.new_id, "
                    + "r.urn, r.kind, r.name, r.namespace, m.new_tenant, r.attributes, r.first_seen "
                    + "FROM rekey_resource m JOIN dim_resource r ON r.resource_id = m.old_id ORDER BY m.new_id");
            s.execute("DELETE FROM dim_resource WHERE resource_id IN (SELECT old_id FROM rekey_resource)");
            s.execute("UPDATE dim_tenant t SET tenant_id = m.new_id FROM rekey_tenant m WHERE t.tenant_id = m.old_id");
            s.execute("UPDATE dim_resource r SET tenant_id = m.new_id FROM rekey_tenant m WHERE r.tenant_id = m.old_id");
            s.execute("INSERT INTO dim_resource (resource_id, urn, kind, name, namespace, tenant_id, attributes, first_seen) "
                    + "SELECT * FROM rekey_new_resource ON CONFLICT DO NOTHING");
            for (String[] t : ONE_RESOURCE) {
                // the tenant is the old one until the table's last resource column is rewritten
                boolean last = !t[1].equals("service_resource_id");
                s.execute("UPDATE " + t[0] + " f SET " + (last ? "tenant_id = m.new_tenant, " : "") + t[1] + " = m.new_id "
                        + "FROM rekey_resource m WHERE f.tenant_id = m.old_tenant AND f." + t[1] + " = m.old_id");
            }
            for (String t : TWO_RESOURCES) {
                s.execute("UPDATE " + t + " f SET tenant_id = a.new_tenant, src_resource_id = a.new_id, dst_resource_id = b.new_id "
                        + "FROM rekey_resource a, rekey_resource b WHERE a.old_tenant = f.tenant_id "
                        + "AND a.old_id = f.src_resource_id AND b.old_tenant = f.tenant_id AND b.old_id = f.dst_resource_id");
            }
            for (String t : new String[] {"red_1m", "use_1m", "log_pattern", "log_pattern_5m", "metric_1m",
                    "service_call_5m", "topo_edge_time", "live_edge"}) {
                // rows whose resource has no dimension row: at least their tenant joins again
                s.execute("UPDATE " + t + " f SET tenant_id = m.new_id FROM rekey_tenant m WHERE f.tenant_id = m.old_id");
            }
            s.execute("ALTER TABLE dim_resource ADD CONSTRAINT dim_resource_tenant_id_fkey FOREIGN KEY (tenant_id) "
                    + "REFERENCES dim_tenant (tenant_id)");
        }
    }

    /** Every (tenant, resource) pair in use, facts and dimension rows alike. */
    private static String pairsSql() {
        StringBuilder sb = new StringBuilder("SELECT DISTINCT tenant_id, resource_id FROM (");
        sb.append("SELECT tenant_id, resource_id FROM dim_resource");
        for (String[] t : ONE_RESOURCE) {
            sb.append(" UNION SELECT tenant_id, ").append(t[1]).append(" FROM ").append(t[0]).append(" WHERE ").append(t[1])
                    .append(" IS NOT NULL");
        }
        for (String t : TWO_RESOURCES) {
            sb.append(" UNION SELECT tenant_id, src_resource_id FROM ").append(t);
            sb.append(" UNION SELECT tenant_id, dst_resource_id FROM ").append(t);
        }
        return sb.append(") p").toString();
    }

    private static String foreignKeyName(Connection c) throws SQLException {
        String[] name = {null};
        query(c, "SELECT conname FROM pg_constraint WHERE conrelid = 'dim_resource'::regclass AND contype = 'f'",
                rs -> name[0] = rs.getString(1));
        return name[0];
    }

    private interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, RowConsumer each) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                each.accept(rs);
            }
        }
    }
}
