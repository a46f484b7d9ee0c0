package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.edges.ConnectionType;
import org.otlpanalytics.operators.edges.Edge;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.red.RedAggregator;
import org.otlpanalytics.operators.red.RedPartial;

/** The subjects built from field functions: scope, member, slot, overflow test and fold of the RED and edge limits. */
class LimitSubjectsTest {
    static RedPartial red(String tenant, String service, String operation) {
        RedPartial p = new RedPartial();
        p.tenant = tenant;
        p.serviceName = service;
        p.serviceNamespace = "ns";
        p.serviceUrn = "urn:svc:ns/" + service;
        p.operation = operation;
        p.bucketStartMillis = 120_000L;
        return p;
    }

    static EdgePartial edge(String caller, String callee, boolean calleeVirtual) {
        Edge e = new Edge();
        e.tenant = "acme";
        e.callerUrn = "urn:svc:ns/" + caller;
        e.callerName = caller;
        e.calleeUrn = (calleeVirtual ? "urn:peer:ns/" : "urn:svc:ns/") + callee;
        e.calleeName = callee;
        e.calleeVirtual = calleeVirtual;
        e.connectionType = ConnectionType.REQUEST;
        return EdgePartial.of(e, 60_000L);
    }

    @Test
    void shouldLimitRedTenantsServicesAndSeries() {
        RedPartial p = red("acme", "api", "GET /");
        LimitSubject<RedPartial> tenants = RedLimitSubjects.tenants();
        assertThat(tenants.scope(p)).isEqualTo(LimitSubjects.ALL_TENANTS);
        assertThat(tenants.member(p)).isEqualTo("acme");
        assertThat(tenants.slotStartMillis(p)).isEqualTo(120_000L);
        LimitSubject<RedPartial> series = RedLimitSubjects.series();
        assertThat(series.scope(p)).isEqualTo("acme");
        assertThat(series.member(p)).isNotEqualTo(series.member(red("acme", "web", "GET /")));
        series.fold(p);
        assertThat(p.operation).isEqualTo(RedAggregator.OVERFLOW_OPERATION);
        assertThat(p.serviceUrn).as("the service keeps its totals").isEqualTo("urn:svc:ns/api");
        assertThat(series.isOverflow(p)).isTrue();
        LimitSubject<RedPartial> resources = RedLimitSubjects.resources();
        assertThat(resources.isOverflow(p)).isFalse();
        resources.fold(p);
        assertThat(p.serviceUrn).isEqualTo(Overflow.SERVICE_URN);
        assertThat(p.serviceName).isEqualTo(Overflow.NAME);
        assertThat(resources.isOverflow(p)).isTrue();
        tenants.fold(p);
        assertThat(p.tenant).isEqualTo(Overflow.TENANT);
        assertThat(tenants.isOverflow(p)).isTrue();
    }

    @Test
    void shouldFoldAnUninstrumentedCalleeIntoTheOverflowPeerAndAServiceIntoTheOverflowService() {
        EdgePartial peer = edge("api", "db", true);
        EdgePartial svc = edge("api", "web", false);
        LimitSubject<EdgePartial> edges = EdgeLimitSubjects.edges();
        assertThat(edges.scope(svc)).isEqualTo("acme");
        assertThat(edges.member(svc)).isNotEqualTo(edges.member(peer));
        edges.fold(peer);
        edges.fold(svc);
        assertThat(peer.calleeUrn).isEqualTo(Overflow.PEER_URN);
        assertThat(svc.calleeUrn).isEqualTo(Overflow.SERVICE_URN);
        assertThat(svc.callerUrn).as("the caller keeps its calls").isEqualTo("urn:svc:ns/api");
        LimitSubject<EdgePartial> callers = EdgeLimitSubjects.callers();
        assertThat(callers.isOverflow(svc)).isFalse();
        callers.fold(svc);
        assertThat(svc.callerUrn).isEqualTo(Overflow.SERVICE_URN);
        assertThat(callers.isOverflow(svc)).isTrue();
    }

    @Test
    void shouldSurviveJavaSerializationAsPartOfTheJobGraph() throws Exception {
        LimitSubject<RedPartial> copy = InstantiationUtil.clone(RedLimitSubjects.resources());
        RedPartial p = red("acme", "api", "GET /");
        assertThat(copy.member(p)).isEqualTo("urn:svc:ns/api");
        copy.fold(p);
        assertThat(p.serviceUrn).isEqualTo(Overflow.SERVICE_URN);
    }
}
