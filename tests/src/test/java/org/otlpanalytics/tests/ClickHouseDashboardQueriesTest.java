package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.tests.support.DashboardScenarios;
import org.otlpanalytics.tests.support.DashboardScenarios.Scenario;
import org.otlpanalytics.tests.support.Chdb;
import org.otlpanalytics.tests.support.ClickHouseResults;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.ClickHouseTableCopy;
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
 * Issue 9, item 4 for ClickHouse: every panel (and the incidents annotation) of every provisioned
 * ClickHouse dashboard (docker/grafana/dashboards/clickhouse) is run as Grafana runs it with the
 * official grafana-clickhouse-datasource plugin — template variables replaced by the frontend with
 * the plugin's formatter (All and multi-value: {@code 'a','b'}), then the plugin's macros
 * ({@code $__timeFilter(c)}, {@code $__fromTime}, {@code $__toTime}, {@code $__interval_s}, ...) —
 * on ClickHouse 18.16 (a server process of its own) filled by the real job with the
 * {@link DashboardFixture}'s input and then every row copied once more (as a replay writes rows
 * again: the reads must stay duplicate-free), and on a current ClickHouse (chdb) holding a copy of
 * the same tables; the values are compared with the oracle computed from the input ({@link PanelChecks}),
 * in the same renderings as the PostgreSQL dashboards. A panel no check knows, or whose query
 * returns no rows in every rendering, fails the test.
 */
class ClickHouseDashboardQueriesTest {
    /** First: without a ClickHouse server the class is skipped, with the reason, before Kafka and PostgreSQL start. */
    @RegisterExtension
    @Order(1)
    static final ClickHouseService CLICKHOUSE = new ClickHouseService();
    @RegisterExtension
    @Order(2)
    static final Services SERVICES = new Services();

    static final long S = DashboardFixture.START;
    static final long M = 60_000L;
    static final Set<String> UIDS = Set.of("otlp-ch-red", "otlp-ch-service", "otlp-ch-service-map", "otlp-ch-dependencies",
            "otlp-ch-log-patterns", "otlp-ch-use", "otlp-ch-pipeline-health");

    /** A variable's value in a scenario: its first option (the Pattern variable's options are the data's fingerprints). */
    static final String FIRST = "$__first";

    static DashboardFixture fx;
    static String database;
    static Chdb chdb;
    static String chdbUnavailable;

    /** One engine the dashboards run on. */
    interface Engine {
        String name();

        List<Map<String, Object>> query(String sql) throws Exception;
    }

    static List<Scenario> scenarios(String uid) {
        return DashboardScenarios.of(uid.substring("otlp-ch-".length()), Map.of("pattern", FIRST));
    }

    @BeforeAll
    static void runTheJob() throws Exception {
        ClickHouseServer ch = CLICKHOUSE.server();
        database = ch.database() + "_dashboards";
        fx = DashboardFixture.run(SERVICES.kafka(), SERVICES.postgres(), JobOptions.SINKS, "postgres,clickhouse",
                JobOptions.CLICKHOUSE_URL, ch.url(), JobOptions.CLICKHOUSE_USER, ch.user() == null ? "" : ch.user(),
                JobOptions.CLICKHOUSE_PASSWORD, ch.password() == null ? "" : ch.password(), JobOptions.CLICKHOUSE_DATABASE, database,
                // the fixture's data is from 2026-06: a TTL would let a server drop it
                JobOptions.CLICKHOUSE_RETENTION, "false");
        // every row written again, as after a replay: the dashboards read duplicate-free, a naive read would not
        long naive = sumOfCalls(ch, "red_1m");
        long once = sumOfCalls(ch, "red_1m FINAL");
        ClickHouseTableCopy.copyEveryRow(ch.http(database));
        assertThat(sumOfCalls(ch, "red_1m")).as("a naive read counts the copies").isEqualTo(2 * naive);
        assertThat(sumOfCalls(ch, "red_1m FINAL")).as("FINAL does not").isEqualTo(once);
        chdbUnavailable = Chdb.unavailableReason();
        if (chdbUnavailable == null) {
            chdb = Chdb.start();
            chdb.query("SET session_timezone = 'UTC'");
            ClickHouseTableCopy.copy(ch.http(database), chdb, database);
        }
    }

    private static long sumOfCalls(ClickHouseServer ch, String from) throws Exception {
        return Long.parseLong(ch.http(database).query("SELECT sum(calls) FROM " + from).trim());
    }

    @AfterAll
    static void stop() throws Exception {
        if (chdb != null) {
            chdb.close();
        }
    }

    @Test
    void everyPanelOfEveryClickHouseDashboardShowsWhatTheInputGivesOnClickHouse18() throws Exception {
        ClickHouseServer ch = CLICKHOUSE.server();
        String version = "ClickHouse " + ch.http(database).version();
        runEveryPanel(new Engine() {
            @Override
            public String name() {
                return version;
            }

            @Override
            public List<Map<String, Object>> query(String sql) throws Exception {
                return ClickHouseResults.rows(ch.http(database).query(sql + "\nFORMAT JSON"));
            }
        });
    }

    @Test
    void everyPanelOfEveryClickHouseDashboardShowsWhatTheInputGivesOnCurrentClickHouse() throws Exception {
        Assumptions.assumeTrue(chdbUnavailable == null, "skipped: " + chdbUnavailable);
        runEveryPanel(new Engine() {
            @Override
            public String name() {
                return "chdb " + Chdb.VERSION;
            }

            @Override
            public List<Map<String, Object>> query(String sql) throws Exception {
                return ClickHouseResults.rows(chdb.query(sql + "\nFORMAT JSON", "JSON"));
            }
        });
    }

    private static void runEveryPanel(Engine engine) throws Exception {
        List<Dashboard> dashboards = GrafanaDashboards.load("clickhouse");
        assertThat(dashboards.stream().map(Dashboard::uid)).containsExactlyInAnyOrderElementsOf(UIDS);
        Map<String, String> names = new HashMap<>();
        for (Map<String, Object> r : engine.query("SELECT caller_urn AS id, caller AS name FROM service_call_5m "
                + "UNION ALL SELECT callee_urn AS id, callee AS name FROM service_call_5m")) {
            names.put((String) r.get("id"), (String) r.get("name"));
        }
        Map<String, String> families = new HashMap<>();
        Map<String, String> fingerprints = new HashMap<>();
        for (Map<String, Object> r : engine.query("SELECT fingerprint_id, pattern, service, sample FROM log_pattern_current")) {
            String family = LogOracle.familyOf((String) r.get("service"), (String) r.get("sample"));
            families.put((String) r.get("pattern"), family);
            // the 16 hex digits of the signed 64-bit fingerprint, as the dashboard prints it
            fingerprints.put(String.format("%016x", (Long) r.get("fingerprint_id")), r.get("service") + "|" + family);
        }
        // ClickHouse 18.16 keeps DateTime64 columns as DateTime (whole seconds); the current engine holds a copy of its tables
        PanelChecks checks = new PanelChecks(fx, names, families::get).forClickHouse(1000).withPatterns(fingerprints);
        int panels = 0;
        int runs = 0;
        // every failing panel is reported, not only the first
        List<String> failures = new ArrayList<>();
        for (Dashboard d : dashboards) {
            Map<String, Integer> rowsSeen = new LinkedHashMap<>();
            for (Scenario sc : scenarios(d.uid())) {
                Map<String, List<String>> resolved = resolve(engine, d, sc);
                for (Panel p : d.panels()) {
                    assertThat(p.targets()).as("%s has queries", p.id()).isNotEmpty();
                    long interval = Math.max(sc.intervalMs(), Math.max(p.minIntervalMs(), M));
                    Map<String, List<Map<String, Object>>> results = new HashMap<>();
                    try {
                        for (Target t : p.targets()) {
                            String sql = expand(d, sc, interval, t.sql(), resolved);
                            List<Map<String, Object>> rows;
                            try {
                                rows = engine.query(sql);
                            } catch (Exception e) {
                                throw new AssertionError(t.refId() + " failed: " + e.getMessage() + "\n" + sql, e);
                            }
                            results.put(t.refId(), rows);
                            rowsSeen.merge(p.id() + " " + t.refId(), rows.size(), Integer::sum);
                            runs++;
                        }
                        checks.check(p.title(), new PanelChecks.View(sc.from(), sc.to(), interval, resolved), results);
                    } catch (AssertionError e) {
                        failures.add(p.id() + " (" + sc.name() + "): " + e.getMessage());
                    }
                }
            }
            panels += d.panels().size();
            rowsSeen.forEach((k, n) -> {
                if (n == 0) {
                    failures.add(k + " returns no rows in any rendering");
                }
            });
        }
        System.out.printf("dashboards: %s, %d ClickHouse dashboards, %d panels, %d queries run, %d failures%n", engine.name(),
                dashboards.size(), panels, runs, failures.size());
        assertThat(failures).as("%s: panels that fail", engine.name()).isEmpty();
    }

    /** Every variable's values for the scenario, All and multi-value resolved to the options (as Grafana lists them). */
    private static Map<String, List<String>> resolve(Engine engine, Dashboard d, Scenario sc) throws Exception {
        Map<String, List<String>> resolved = new LinkedHashMap<>();
        for (Variable v : d.variables()) {
            List<String> options;
            if (v.type().equals("custom")) {
                options = List.of(v.query().split(","));
            } else {
                options = new ArrayList<>();
                for (Map<String, Object> r : engine.query(expand(d, sc, sc.intervalMs(), v.query(), resolved))) {
                    options.add(String.valueOf(r.values().iterator().next()));
                }
            }
            List<String> chosen = sc.values().get(v.name());
            assertThat(chosen).as("%s: a value for $%s", d.uid(), v.name()).isNotNull();
            if (chosen.equals(List.of("$__all"))) {
                resolved.put(v.name(), options);
            } else if (chosen.equals(List.of(FIRST))) {
                assertThat(options).as("%s: options of $%s", d.uid(), v.name()).isNotEmpty();
                resolved.put(v.name(), List.of(options.get(0)));
            } else {
                assertThat(options).as("%s: options of $%s", d.uid(), v.name()).containsAll(chosen);
                resolved.put(v.name(), chosen);
            }
        }
        return resolved;
    }

    /** The frontend's variables (the plugin's formatter for lists), then the plugin's macros. */
    private static String expand(Dashboard d, Scenario sc, long interval, String sql, Map<String, List<String>> resolved) {
        GrafanaDashboards.Context ctx = new GrafanaDashboards.Context(sc.from(), sc.to(), interval, resolved);
        String s = GrafanaDashboards.replaceVariables(sql, d, ctx, interval, v -> resolved.get(v.name()), GrafanaDashboards::clickhouseList);
        s = GrafanaDashboards.clickhouseIntervalSeconds(s, interval);
        s = GrafanaDashboards.clickhouseMacros(s, sc.from(), sc.to(), interval);
        assertThat(s).as("nothing left to expand in %s", sql).doesNotContain("$");
        return s;
    }
}
