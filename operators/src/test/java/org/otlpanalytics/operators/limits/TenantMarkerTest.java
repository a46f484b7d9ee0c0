package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/** Marks: one per tenant and minute, one per service while it is among the tenant's smallest here; every record passes. */
class TenantMarkerTest {
    @Test
    void shouldMarkEachTenantOnceAndOnlyServicesThatCanBeAdmitted() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new TenantMarker<>(LogLimitSubjects.tenants(),
                LogLimitSubjects.resources(), 2, 60_000, 120_000)));
        h.open();
        List<String> services = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            services.add("urn:svc:ns/s-" + s);
        }
        List<String> byHash = new ArrayList<>(services);
        byHash.sort(Comparator.comparingLong(StableHash::of));
        // largest hash first: each service enters the two smallest seen so far, so each is marked...
        List<String> descending = new ArrayList<>(byHash);
        java.util.Collections.reverse(descending);
        int id = 0;
        for (String urn : descending) {
            LogRecordFlat r = TenantResourceLimiterTest.record("a", urn.substring("urn:svc:ns/".length()), 1_000, id++);
            h.processElement(new StreamRecord<>(r, 1_000));
        }
        // ...and then the same services again, and a second minute
        for (String urn : byHash) {
            h.processElement(new StreamRecord<>(TenantResourceLimiterTest.record("a", urn.substring("urn:svc:ns/".length()), 2_000,
                    id++), 2_000));
        }
        h.processElement(new StreamRecord<>(TenantResourceLimiterTest.record("a", "s-0", 61_000, id++), 61_000));
        h.processElement(new StreamRecord<>(TenantResourceLimiterTest.record(Overflow.TENANT, "s-0", 61_000, id++), 61_000));
        List<String> marks = new ArrayList<>();
        h.getSideOutput(TenantMarker.MARKS).forEach(m -> marks.add(m.getValue().toString()));
        List<String> expected = new ArrayList<>();
        for (String urn : descending) {
            expected.add("0 a " + urn);
        }
        expected.add("60000 a urn:svc:ns/s-0");
        expected.add("60000 overflow urn:svc:ns/s-0");
        assertThat(marks).isEqualTo(expected);
        assertThat(h.extractOutputValues()).as("every record passes").hasSize(id);

        // a largest hash after the two smallest: not marked, the tenant is known
        h.getSideOutput(TenantMarker.MARKS).clear();
        h.processWatermark(new Watermark(200_000));
        for (int i : new int[] {0, 1, 5, 0}) {
            h.processElement(new StreamRecord<>(TenantResourceLimiterTest.record("b", byHash.get(i).substring(11), 240_000, id++),
                    240_000));
        }
        List<String> later = new ArrayList<>();
        h.getSideOutput(TenantMarker.MARKS).forEach(m -> later.add(m.getValue().toString()));
        assertThat(later).containsExactly("240000 b " + byHash.get(0), "240000 b " + byHash.get(1));
        h.close();
    }
}
