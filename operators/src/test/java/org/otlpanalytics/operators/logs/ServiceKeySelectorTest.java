package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

class ServiceKeySelectorTest {
    private static LogRecordFlat record(String tenant, String serviceUrn) {
        LogRecordFlat r = new LogRecordFlat();
        r.tenant = tenant;
        r.serviceUrn = serviceUrn;
        return r;
    }

    @Test
    void givesTheFingerprintersKeyForEveryRecordInAnyOrder() {
        String[] tenants = {"acme", "beta", null, "a\u0000b", ""};
        String[] services = {"urn:svc:shop/cart", "urn:svc:shop/pay", null, "x\u0001y", ""};
        ServiceKeySelector selector = new ServiceKeySelector();
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            // runs of one stream and switches between streams, with equal strings that are distinct instances
            String tenant = tenants[random.nextInt(tenants.length)];
            String service = services[random.nextInt(services.length)];
            int run = 1 + random.nextInt(4);
            for (int j = 0; j < run; j++) {
                LogRecordFlat r = record(tenant == null ? null : new String(tenant), service == null ? null : new String(service));
                assertThat(selector.getKey(r)).isEqualTo(LogFingerprinter.serviceKey(r));
            }
        }
    }

    @Test
    void aRunOfOneStreamSharesOneKeyInstance() {
        ServiceKeySelector selector = new ServiceKeySelector();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            keys.add(selector.getKey(record(new String("acme"), new String("urn:svc:shop/cart"))));
        }
        assertThat(keys.get(1)).isSameAs(keys.get(0));
        assertThat(keys.get(2)).isSameAs(keys.get(0));
        String other = selector.getKey(record("acme", "urn:svc:shop/pay"));
        assertThat(other).isEqualTo(LogFingerprinter.serviceKey("acme", "urn:svc:shop/pay")).isNotEqualTo(keys.get(0));
    }

    @Test
    void aDeserializedCopyStartsWithoutMemory() throws Exception {
        ServiceKeySelector selector = new ServiceKeySelector();
        selector.getKey(record("acme", "urn:svc:shop/cart"));
        ServiceKeySelector copy = InstantiationUtil.clone(selector);
        assertThat(copy.getKey(record("beta", "urn:svc:shop/cart"))).isEqualTo(LogFingerprinter.serviceKey("beta", "urn:svc:shop/cart"));
    }
}
