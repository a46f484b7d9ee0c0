package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.operators.logs.UnminedPatterns;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/** The logs pipeline's limit subjects: what is counted, per which scope and slot, and how a record folds. */
class LogLimitSubjectsTest {
    static LogRecordFlat record(String tenant, String service, long timeMillis) {
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = tenant;
        r.serviceName = service;
        r.serviceNamespace = "ns";
        r.serviceUrn = "urn:svc:ns/" + service;
        r.timeNanos = timeMillis * 1_000_000L;
        r.body = "hello";
        return r;
    }

    @Test
    void shouldCountTenantsInOneScopePerMinuteAndFoldIntoTheOverflowTenant() {
        LimitSubject<LogRecordFlat> s = LogLimitSubjects.tenants();
        LogRecordFlat r = record("acme", "api", 125_000L);
        assertThat(s.scope(r)).isEqualTo(LimitSubjects.ALL_TENANTS);
        assertThat(s.member(r)).isEqualTo("acme");
        assertThat(s.slotStartMillis(r)).isEqualTo(120_000L);
        assertThat(s.isOverflow(r)).isFalse();
        s.fold(r);
        assertThat(r.tenant).isEqualTo(Overflow.TENANT);
        assertThat(r.serviceUrn).as("only the tenant folds").isEqualTo("urn:svc:ns/api");
        assertThat(s.isOverflow(r)).isTrue();
    }

    @Test
    void shouldCountServicesPerTenantAndFoldIntoTheOverflowService() {
        LimitSubject<LogRecordFlat> s = LogLimitSubjects.resources();
        LogRecordFlat r = record("acme", "pod-7", -1L);
        assertThat(s.scope(r)).isEqualTo("acme");
        assertThat(s.member(r)).isEqualTo("urn:svc:ns/pod-7");
        assertThat(s.slotStartMillis(r)).as("floor, also before 1970").isEqualTo(-60_000L);
        s.fold(r);
        assertThat(r.serviceUrn).isEqualTo(Overflow.SERVICE_URN);
        assertThat(r.serviceName).isEqualTo(Overflow.NAME);
        assertThat(r.serviceNamespace).isEqualTo(Overflow.NAMESPACE);
        assertThat(r.tenant).isEqualTo("acme");
        assertThat(s.isOverflow(r)).isTrue();
    }

    @Test
    void shouldCountPatternsPerTenantAndFoldIntoTheServicesOverLimitPattern() {
        LimitSubject<LogPatternPartial> s = LogLimitSubjects.patterns();
        LogPatternPartial p = new LogPatternPartial();
        p.tenant = "acme";
        p.serviceName = "api";
        p.serviceNamespace = "ns";
        p.serviceUrn = "urn:svc:ns/api";
        p.windowStartMillis = 300_000L;
        p.fingerprintId = 42L;
        p.countTotal = 5;
        p.countError = 2;
        p.range = new KafkaRange();
        p.range.add(1, 70, 301_000L);
        p.range.add(0, 90, 302_000L);
        assertThat(s.scope(p)).isEqualTo("acme");
        assertThat(s.member(p)).isNotEqualTo(s.member(withService(p, "urn:svc:ns/web"))).as("a pattern is (service, fingerprint)");
        assertThat(s.slotStartMillis(p)).isEqualTo(300_000L);
        assertThat(s.isOverflow(p)).isFalse();
        s.fold(p);
        assertThat(p.fingerprintId).isEqualTo(UnminedPatterns.overLimitId("acme", "urn:svc:ns/api"))
                .isNotEqualTo(UnminedPatterns.overLimitId("acme", "urn:svc:ns/web"))
                .isNotEqualTo(UnminedPatterns.overCapId("acme", "urn:svc:ns/api"));
        assertThat(p.countTotal).as("counts never change").isEqualTo(5);
        assertThat(s.isOverflow(p)).isTrue();

        LogPatternRow row = UnminedPatterns.overLimitRow(p);
        assertThat(row.fingerprintId).isEqualTo(p.fingerprintId);
        assertThat(row.pattern).isEqualTo(UnminedPatterns.OVER_LIMIT_PATTERN);
        assertThat(row.serviceUrn).isEqualTo("urn:svc:ns/api");
        assertThat(row.firstSeenMillis).isEqualTo(301_000L);
        assertThat(row.lastSeenMillis).isEqualTo(302_000L);
        assertThat(row.samplePartition).isEqualTo(0);
        assertThat(row.sampleOffset).isEqualTo(90);
        assertThat(row.severityNumber).isEqualTo(17);
    }

    static LogPatternPartial withService(LogPatternPartial p, String urn) {
        LogPatternPartial q = new LogPatternPartial();
        q.tenant = p.tenant;
        q.serviceUrn = urn;
        q.fingerprintId = p.fingerprintId;
        return q;
    }
}
