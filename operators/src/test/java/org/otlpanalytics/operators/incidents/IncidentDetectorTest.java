package org.otlpanalytics.operators.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.red.RedRow;

class IncidentDetectorTest {
    static final long MIN = 60_000L;

    static RedRow red(long minute, String op, long calls, long errors, double medianMs, SplittableRandom r) {
        RedRow row = new RedRow();
        row.bucketStartMillis = minute * MIN;
        row.tenant = "t";
        row.serviceName = "frontend";
        row.serviceNamespace = "shop";
        row.serviceUrn = "urn:svc:shop/frontend";
        row.operation = op;
        row.spanKind = "SERVER";
        row.status = "UNSET";
        row.calls = calls;
        row.errors = errors;
        KllDoublesSketch k = KllDoublesSketch.newHeapInstance(200);
        for (int i = 0; i < calls; i++) {
            k.update(medianMs * (0.5 + r.nextDouble()));
        }
        row.kll = k.toByteArray();
        return row;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, DetectorInput, IncidentRow> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, DetectorInput, IncidentRow>(
                new KeyedProcessOperator<>(new IncidentDetector(DetectorOptions.defaults(), 0, "otlp_spans")), DetectorInput::key,
                Types.STRING);
        h.open();
        return h;
    }

    static List<IncidentRow> rows(KeyedOneInputStreamOperatorTestHarness<String, DetectorInput, IncidentRow> h) {
        List<IncidentRow> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((IncidentRow) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    @Test
    void aTrafficDropStaysOpenWhileItLastsAndClosesAfterIt() throws Exception {
        var h = harness();
        SplittableRandom r = new SplittableRandom(1);
        for (long m = 0; m < 160; m++) {
            long calls = m >= 120 && m < 135 ? 10 : 47 + r.nextInt(-4, 5);
            for (String op : new String[] {"GET /cart", "POST /checkout", "GET /product/{id}"}) {
                h.processElement(new StreamRecord<>(DetectorInput.ofRed(red(m, op, calls, 1, 5, r)), m * MIN));
            }
            h.processWatermark(new Watermark(m * MIN + MIN));
        }
        List<IncidentRow> rate = rows(h).stream().filter(x -> x.signal.equals("rate")).toList();
        assertThat(rate).isNotEmpty();
        IncidentRow last = rate.get(rate.size() - 1);
        assertThat(last.openedMillis).isEqualTo(120 * MIN);
        assertThat(last.closedMillis).isEqualTo(135 * MIN);
        assertThat(last.resourceName).isEqualTo("frontend");
    }
}
