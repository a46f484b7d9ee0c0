package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class VirtualPeerLimiterTest {
    static Edge edge(String callee, long timeMillis) {
        Edge e = new Edge();
        e.tenant = "t";
        e.callerUrn = "urn:svc:ns/api";
        e.callerName = "api";
        e.calleeUrn = "urn:peer:host/" + callee;
        e.calleeName = callee;
        e.calleeVirtual = true;
        e.startTimeNanos = timeMillis * 1_000_000L;
        return e;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Edge, Edge> harness(int max) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new VirtualPeerLimiter(max, Duration.ofMinutes(10))),
                VirtualPeerLimiter::callerKey, Types.STRING);
        h.open();
        return h;
    }

    static List<String> callees(KeyedOneInputStreamOperatorTestHarness<String, Edge, Edge> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add(((Edge) ((StreamRecord<?>) o).getValue()).calleeName);
            }
        }
        return out;
    }

    @Test
    void shouldFoldPeersBeyondTheCapAndKeepAdmittedOnes() throws Exception {
        var h = harness(2);
        for (String p : new String[] {"a", "b", "c", "a", "d", "b"}) {
            Edge e = edge(p, 1000);
            h.processElement(new StreamRecord<>(e, e.eventTimeMillis()));
        }
        assertThat(callees(h)).containsExactly("a", "b", VirtualPeerLimiter.OVERFLOW_NAME, "a",
                VirtualPeerLimiter.OVERFLOW_NAME, "b");
        assertThat(h.numKeyedStateEntries()).isEqualTo(2); // one caller: its peer map and its count
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // the idle scan
    }

    @Test
    void shouldForgetIdlePeersByEventTimeAndAdmitNewOnes() throws Exception {
        var h = harness(1);
        h.processElement(new StreamRecord<>(edge("a", 0), 0));
        h.processWatermark(new Watermark(Duration.ofMinutes(12).toMillis()));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        long t = Duration.ofMinutes(13).toMillis();
        h.processElement(new StreamRecord<>(edge("b", t), t));
        assertThat(callees(h)).containsExactly("a", "b");
    }
}
