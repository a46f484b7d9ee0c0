package org.otlpanalytics.schemas.resource;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;

class ResourceInfoTest {
    private static Resource resource(String tenant, String namespace, String service, String host) {
        Resource.Builder b = Resource.newBuilder();
        b.addAttributes(KeyValue.newBuilder().setKey("tenant.id").setValue(AnyValue.newBuilder().setStringValue(tenant)));
        b.addAttributes(KeyValue.newBuilder().setKey("service.namespace").setValue(AnyValue.newBuilder().setStringValue(namespace)));
        b.addAttributes(KeyValue.newBuilder().setKey("service.name").setValue(AnyValue.newBuilder().setStringValue(service)));
        b.addAttributes(KeyValue.newBuilder().setKey("host.name").setValue(AnyValue.newBuilder().setStringValue(host)));
        return b.build();
    }

    @Test
    void identityAttributesHaveEveryControlCharacterReplaced() {
        ResourceInfo r = ResourceInfo.of(resource("acme\u0000", "shop\u001f", "check\nout", "host\u0085"));
        assertThat(r.tenant).isEqualTo("acme\uFFFD");
        assertThat(r.serviceNamespace).isEqualTo("shop\uFFFD");
        assertThat(r.serviceName).isEqualTo("check\uFFFDout");
        assertThat(r.hostName).isEqualTo("host\uFFFD");
        assertThat(r.urn).isEqualTo("urn:svc:shop\uFFFD/check\uFFFDout");
    }

    @Test
    void aUrnNamesExactlyOneNamespaceAndService() {
        String a = ResourceInfo.of(resource("t", "a/b", "c", "h")).urn;
        String b = ResourceInfo.of(resource("t", "a", "b/c", "h")).urn;
        assertThat(a).isEqualTo("urn:svc:a%2Fb/c").isNotEqualTo(b);
        assertThat(b).isEqualTo("urn:svc:a/b/c");
        assertThat(ResourceInfo.serviceUrn("a%2Fb", "c")).isNotEqualTo(a);
        assertThat(ResourceInfo.peerUrn("db/x", "y")).isNotEqualTo(ResourceInfo.peerUrn("db", "x/y"));
        assertThat(ResourceInfo.serviceUrn("shop", "checkout")).isEqualTo("urn:svc:shop/checkout");
    }
}
