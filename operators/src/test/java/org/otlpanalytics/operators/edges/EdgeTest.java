package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class EdgeTest {

    @Test
    void shouldBeFlinkPojos() {
        assertThat(TypeInformation.of(Edge.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(EdgeKey.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void shouldBucketByCallStartInMillis() {
        Edge e = new Edge();
        e.startTimeNanos = 1_700_000_000_123_456_789L;

        assertThat(e.eventTimeMillis()).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void shouldKeyByTenantCallerAndCallee() {
        Edge a = new Edge();
        a.tenant = "t";
        a.callerUrn = "urn:svc:default/a";
        a.calleeUrn = "urn:peer:redis/cache";
        Edge b = new Edge();
        b.tenant = "t";
        b.callerUrn = "urn:svc:default/a";
        b.calleeUrn = "urn:peer:redis/cache";
        b.failed = true;

        assertThat(a.key()).isEqualTo(b.key()).hasSameHashCodeAs(b.key());
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void shouldKeepConnectionTypeCodesStable() {
        for (ConnectionType t : ConnectionType.values()) {
            assertThat(ConnectionType.fromCode(t.code())).isEqualTo(t);
        }
        assertThat(ConnectionType.MESSAGING.label()).isEqualTo("messaging_system");
    }
}
