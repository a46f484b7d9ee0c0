package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.demo.TelemetryGenerator.Fault;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Incidents through the whole job: three hours of shop traffic with realistic noise (the day's
 * rise and fall, random slow requests, occasional errors) and four injected faults at known times
 * — a latency step on payment, an error burst on payment (checkout's dependency), a traffic drop
 * at the entry point and a saturated host — through Kafka, all pipelines and the detector into
 * PostgreSQL. Every fault opens an incident on the right resource and signal within 3 minutes of
 * its start and closes it within 5 minutes of its end; no incident opens outside the faults;
 * checkout's incidents, caused downstream, name payment as the edge that changed most; the
 * evidence points at real red_1m rows and Kafka locators; and a run with a failure injected in
 * the middle writes the same incidents and evidence, row for row.
 */
class IncidentsEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-05-04T00:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    static final Fault LATENCY = new Fault(Fault.Kind.LATENCY, "payment", START + 40 * MIN, START + 55 * MIN, 4.0);
    static final Fault ERRORS = new Fault(Fault.Kind.ERRORS, "payment", START + 80 * MIN, START + 90 * MIN, 0.4);
    static final Fault TRAFFIC = new Fault(Fault.Kind.TRAFFIC, "frontend", START + 120 * MIN, START + 135 * MIN, 0.25);
    static final Fault SATURATED = new Fault(Fault.Kind.SATURATION, "checkout", START + 155 * MIN, START + 170 * MIN, 0.97);
    static final List<Fault> FAULTS = List.of(LATENCY, ERRORS, TRAFFIC, SATURATED);

    static JobOptions options;

    @BeforeAll
    static void runTheJob() throws Exception {
        options = Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "incidents");
        SERVICES.kafka().createTopics(2, options.get(JobOptions.SPANS_TOPIC), options.get(JobOptions.LOGS_TOPIC),
                options.get(JobOptions.METRICS_TOPIC), options.get(JobOptions.DEAD_LETTER_TOPIC));
        TelemetryGenerator g = new TelemetryGenerator(2026, "default").exportInterval(5_000)
                .diurnal(0.3, Duration.ofHours(3).toMillis()).slowRequests(0.01);
        FAULTS.forEach(g::fault);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : g.generate(START, Duration.ofHours(3).toMillis(), 3)) {
            String topic = options.get(m.signal.equals("traces") ? JobOptions.SPANS_TOPIC
                    : m.signal.equals("logs") ? JobOptions.LOGS_TOPIC : JobOptions.METRICS_TOPIC);
            records.add(new ProducerRecord<>(topic, i++ % 2, m.timeMillis, null, m.value));
        }
        SERVICES.kafka().send(records);
        Pipelines.run(options, AnalyticsJob.Taps.NONE);
    }

    record Incident(long id, String urn, String kind, String signal, long opened, Long closed, String summary) {}

    static List<Incident> incidents() throws Exception {
        List<Incident> out = new ArrayList<>();
        for (String r : Pipelines.rows(SERVICES.postgres(), "SELECT e.event_id, d.urn, e.kind, e.signal, "
                + "(extract(epoch from e.opened_at) * 1000)::bigint, (extract(epoch from e.closed_at) * 1000)::bigint, e.summary "
                + "FROM event_envelope e JOIN dim_resource d USING (resource_id) ORDER BY e.opened_at, d.urn, e.signal")) {
            String[] f = r.split("\t");
            out.add(new Incident(Long.parseLong(f[0]), f[1], f[2], f[3], Long.parseLong(f[4]),
                    f[5].equals("null") ? null : Long.parseLong(f[5]), f[6]));
        }
        return out;
    }

    static Incident find(String urn, String kind, String signal, Fault f) throws Exception {
        List<Incident> all = incidents();
        return all.stream().filter(x -> x.urn.equals(urn) && x.kind.equals(kind) && x.signal.equals(signal)
                && x.opened >= f.fromMillis() - 2 * MIN && x.opened <= f.toMillis()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + signal + " incident on " + urn + " for " + f
                        + "; incidents: " + all));
    }

    static void opensAndClosesInTime(Incident x, Fault f) {
        assertThat(x.opened).as("%s opened within 3 minutes of %s", x, Instant.ofEpochMilli(f.fromMillis()))
                .isBetween(f.fromMillis() - MIN, f.fromMillis() + 3 * MIN);
        assertThat(x.closed).as("%s closed", x).isNotNull();
        assertThat(x.closed).as("%s closed within 5 minutes of %s", x, Instant.ofEpochMilli(f.toMillis()))
                .isBetween(f.toMillis() - MIN, f.toMillis() + 5 * MIN);
    }

    @Test
    void everyInjectedFaultOpensAndClosesItsIncidentInTime() throws Exception {
        opensAndClosesInTime(find("urn:svc:shop/payment", "service", "latency", LATENCY), LATENCY);
        opensAndClosesInTime(find("urn:svc:shop/payment", "service", "errors", ERRORS), ERRORS);
        opensAndClosesInTime(find("urn:svc:shop/frontend", "service", "rate", TRAFFIC), TRAFFIC);
        opensAndClosesInTime(find("urn:host:checkout-host-1", "resource", "utilization", SATURATED), SATURATED);
    }

    @Test
    void noIncidentOpensOutsideTheFaults() throws Exception {
        List<Incident> all = incidents();
        all.forEach(x -> System.out.println("incident " + x.id + " " + x.kind + " " + x.signal + ": " + x.summary));
        for (Incident x : all) {
            boolean explained = FAULTS.stream().anyMatch(f -> x.opened >= f.fromMillis() - MIN && x.opened <= f.toMillis() + 5 * MIN);
            assertThat(explained).as("incident during clean traffic: %s", x).isTrue();
        }
    }

    @Test
    void anIncidentCausedDownstreamNamesTheCulprit() throws Exception {
        for (Fault f : List.of(LATENCY, ERRORS)) {
            Incident checkout = find("urn:svc:shop/checkout", "service", f == LATENCY ? "latency" : "errors", f);
            List<String> culprit = Pipelines.rows(SERVICES.postgres(), "SELECT detail FROM evidence_link WHERE event_id = "
                    + checkout.id + " AND dim = 'downstream_edge'");
            assertThat(culprit).as("culprit of %s", checkout).singleElement().asString().startsWith("urn:svc:shop/payment ");
        }
    }

    @Test
    void evidencePointsAtRealRowsAndKafkaRanges() throws Exception {
        Incident x = find("urn:svc:shop/payment", "service", "latency", LATENCY);
        List<String> refs = Pipelines.rows(SERVICES.postgres(), "SELECT ref FROM evidence_link WHERE event_id = " + x.id
                + " AND dim = 'red_1m' ORDER BY ref");
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            String[] p = ref.split("\\|");
            assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM red_1m r JOIN dim_resource d USING (resource_id) "
                    + "WHERE d.urn = 'urn:svc:shop/payment' AND r.bucket = '" + p[0] + "' AND r.operation = '" + p[1]
                    + "' AND r.span_kind = '" + p[2] + "' AND r.status = '" + p[3] + "'")).as(ref).containsExactly("1");
        }
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM evidence_link l LEFT JOIN kafka_locator k "
                + "ON k.id = l.ref::bigint WHERE l.dim = 'kafka_locator' AND k.id IS NULL")).containsExactly("0");
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM evidence_link WHERE dim = 'kafka_locator'"))
                .doesNotContain("0");
    }

    @Test
    void analyzeWritesIncidentsAndEvidenceCsv(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.util.Map<String, Integer> written;
        try (java.sql.Connection c = SERVICES.postgres().connect()) {
            written = org.otlpanalytics.jobs.cli.CsvExport.exportAll(c, tmp);
        }
        int incidents = Integer.parseInt(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM event_envelope").get(0));
        int evidence = Integer.parseInt(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM evidence_link").get(0));
        assertThat(written).containsEntry("incidents", incidents).containsEntry("evidence", evidence);
        List<String> lines = java.nio.file.Files.readAllLines(tmp.resolve("incidents.csv"));
        assertThat(lines.get(0)).startsWith("event_id,tenant,kind,signal,severity,resource,peer,title,summary,opened_at,closed_at");
        Incident latency = find("urn:svc:shop/payment", "service", "latency", LATENCY);
        String id = String.format("%016x", latency.id);
        assertThat(lines).filteredOn(l -> l.startsWith(id + ","))
                .singleElement().asString()
                .contains(",default,service,latency,")
                .contains(",payment,")
                .contains(Instant.ofEpochMilli(latency.opened).toString().replace(".000", ""))
                .endsWith(",urn:svc:shop/payment");
        List<String> evidenceLines = java.nio.file.Files.readAllLines(tmp.resolve("evidence.csv"));
        assertThat(evidenceLines.get(0)).isEqualTo("event_id,tenant,dim,ref,detail,score");
        assertThat(evidenceLines).filteredOn(l -> l.startsWith(id + ",default,red_1m,")).isNotEmpty();
    }

    static final String INCIDENT_ROWS = "SELECT e.event_id, t.code, d.urn, p.urn, e.kind, e.signal, e.severity, e.title, e.summary, "
            + "e.opened_at, e.closed_at, e.baseline, e.observed, e.deviations, e.labels::text FROM event_envelope e "
            + "JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
            + "LEFT JOIN dim_resource p ON p.resource_id = e.peer_resource_id ORDER BY 1";
    static final String EVIDENCE_ROWS = "SELECT event_id, dim, ref, detail, score FROM evidence_link ORDER BY 1, 2, 3";

    @Test
    void aFailureInTheMiddleLeavesTheSameIncidentsAndEvidence(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        try (org.otlpanalytics.jobs.embedded.PostgresServer failing = org.otlpanalytics.jobs.embedded.PostgresServer.start()) {
            java.nio.file.Path marker = tmp.resolve("failed-once");
            Pipelines.run(Pipelines.options(SERVICES.kafka(), failing, JobOptions.GROUP_ID, "incidents-failing"),
                    AnalyticsJob.Taps.spans(new org.otlpanalytics.tests.support.FailOnce<>(marker, 50_000)));
            assertThat(java.nio.file.Files.exists(marker)).as("the failure was injected").isTrue();
            List<String> expected = Pipelines.rows(SERVICES.postgres(), INCIDENT_ROWS);
            assertThat(expected).hasSizeGreaterThan(4);
            assertThat(Pipelines.rows(failing, INCIDENT_ROWS)).containsExactlyElementsOf(expected);
            assertThat(Pipelines.rows(failing, EVIDENCE_ROWS)).containsExactlyElementsOf(Pipelines.rows(SERVICES.postgres(), EVIDENCE_ROWS));
        }
    }
}
