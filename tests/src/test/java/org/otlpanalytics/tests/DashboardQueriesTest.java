package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.tests.support.DashboardScenarios;
import org.otlpanalytics.tests.support.DashboardScenarios.Scenario;
import org.otlpanalytics.tests.support.DashboardFixture;
import org.otlpanalytics.tests.support.GrafanaDashboards;
import org.otlpanalytics.tests.support.GrafanaDashboards.Dashboard;
import org.otlpanalytics.tests.support.GrafanaDashboards.Panel;
import org.otlpanalytics.tests.support.GrafanaDashboards.Target;
import org.otlpanalytics.tests.support.GrafanaDashboards.Variable;
import org.otlpanalytics.tests.support.LogOracle;
import org.otlpanalytics.tests.support.PanelChecks;
import org.otlpanalytics.tests.support.Services;

/**
 * Issue 9, item 4: every panel of every provisioned PostgreSQL dashboard
 * (docker/grafana/dashboards/postgres) is run as Grafana would run it — template variables (All,
 * multi-value, single) and the datasource's macros expanded by {@link GrafanaDashboards} — on a real
 * PostgreSQL that holds the {@link DashboardFixture}'s data written by the real job, and its
 * values are compared with the oracle ({@link PanelChecks}), in two renderings: the whole range
 * with every value, and a sub-range at a 5-minute interval with chosen values. A panel no check
 * knows fails the test, and so does a query that returns no rows in both renderings.
 */
class DashboardQueriesTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long S = DashboardFixture.START;
    static final long M = 60_000L;
    static final Set<String> UIDS = Set.of("otlp-pg-red", "otlp-pg-service", "otlp-pg-service-map", "otlp-pg-dependencies",
            "otlp-pg-log-patterns", "otlp-pg-use", "otlp-pg-pipeline-health");

    static DashboardFixture fx;

    static List<Scenario> scenarios(String uid) {
        return DashboardScenarios.of(uid.substring("otlp-pg-".length()), Map.of());
    }


    @BeforeAll
    static void runTheJob() throws Exception {
        fx = DashboardFixture.run(SERVICES.kafka(), SERVICES.postgres());
    }

    @Test
    void everyPanelOfEveryPostgresDashboardShowsWhatTheInputGives() throws Exception {
        List<Dashboard> dashboards = GrafanaDashboards.load("postgres");
        assertThat(dashboards.stream().map(Dashboard::uid)).containsExactlyInAnyOrderElementsOf(UIDS);
        Map<String, String> names = new HashMap<>();
        Map<String, String> families = new HashMap<>();
        for (Map<String, Object> r : query("SELECT resource_id::text AS id, name FROM dim_resource")) {
            names.put((String) r.get("id"), (String) r.get("name"));
        }
        for (Map<String, Object> r : query("SELECT p.pattern, d.name, p.sample FROM log_pattern p JOIN dim_resource d ON d.resource_id = p.resource_id")) {
            families.put((String) r.get("pattern"), LogOracle.familyOf((String) r.get("name"), (String) r.get("sample")));
        }
        PanelChecks checks = new PanelChecks(fx, names, families::get);
        int panels = 0;
        int runs = 0;
        for (Dashboard d : dashboards) {
            Map<String, Integer> rowsSeen = new LinkedHashMap<>();
            for (Scenario sc : scenarios(d.uid())) {
                Map<String, List<String>> resolved = resolve(d, sc);
                for (Panel p : d.panels()) {
                    assertThat(p.targets()).as("%s has queries", p.id()).isNotEmpty();
                    long interval = Math.max(sc.intervalMs(), Math.max(p.minIntervalMs(), M));
                    GrafanaDashboards.Context ctx = new GrafanaDashboards.Context(sc.from(), sc.to(), sc.intervalMs(), sc.values());
                    Map<String, List<Map<String, Object>>> results = new HashMap<>();
                    for (Target t : p.targets()) {
                        String sql = expand(d, ctx, interval, t.sql(), resolved);
                        List<Map<String, Object>> rows = query(sql);
                        results.put(t.refId(), rows);
                        rowsSeen.merge(p.id() + " " + t.refId(), rows.size(), Integer::sum);
                        runs++;
                    }
                    try {
                        checks.check(p.title(), new PanelChecks.View(sc.from(), sc.to(), interval, resolved), results);
                    } catch (AssertionError e) {
                        throw new AssertionError(p.id() + " (" + sc.name() + "): " + e.getMessage(), e);
                    }
                }
            }
            panels += d.panels().size();
            rowsSeen.forEach((k, n) -> assertThat(n).as("%s returns rows in some rendering", k).isPositive());
        }
        System.out.printf("dashboards: %d PostgreSQL dashboards, %d panels, %d queries run and checked%n", dashboards.size(), panels, runs);
    }

    /** Every variable's values for the scenario, All and multi-value resolved to the options (as Grafana lists them). */
    private static Map<String, List<String>> resolve(Dashboard d, Scenario sc) throws Exception {
        Map<String, List<String>> resolved = new LinkedHashMap<>();
        for (Variable v : d.variables()) {
            List<String> options;
            if (v.type().equals("custom")) {
                options = List.of(v.query().split(","));
            } else {
                GrafanaDashboards.Context ctx = new GrafanaDashboards.Context(sc.from(), sc.to(), sc.intervalMs(), resolved);
                options = new ArrayList<>();
                for (Map<String, Object> r : query(expand(d, ctx, sc.intervalMs(), v.query(), resolved))) {
                    options.add(String.valueOf(r.values().iterator().next()));
                }
            }
            List<String> chosen = sc.values().get(v.name());
            assertThat(chosen).as("%s: a value for $%s", d.uid(), v.name()).isNotNull();
            if (chosen.equals(List.of("$__all"))) {
                resolved.put(v.name(), options);
            } else {
                assertThat(options).as("%s: options of $%s", d.uid(), v.name()).containsAll(chosen);
                resolved.put(v.name(), chosen);
            }
        }
        return resolved;
    }

    private static String expand(Dashboard d, GrafanaDashboards.Context ctx, long interval, String sql,
            Map<String, List<String>> resolved) {
        GrafanaDashboards.Context withResolved = new GrafanaDashboards.Context(ctx.fromMillis(), ctx.toMillis(), interval, resolved);
        String s = GrafanaDashboards.replaceVariables(sql, d, withResolved, interval, v -> resolved.get(v.name()));
        s = GrafanaDashboards.postgresMacros(s, ctx.fromMillis(), ctx.toMillis());
        assertThat(s).as("nothing left to expand in %s", sql).doesNotContain("$");
        return s;
    }

    static List<Map<String, Object>> query(String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = SERVICES.postgres().connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnLabel(i), v instanceof Array ? ((Array) v).getArray() : v);
                }
                out.add(row);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError("query failed: " + e.getMessage() + "\n" + sql, e);
        }
        return out;
    }

    static Set<String> sorted(Set<String> s) {
        return new TreeSet<>(s);
    }
}
