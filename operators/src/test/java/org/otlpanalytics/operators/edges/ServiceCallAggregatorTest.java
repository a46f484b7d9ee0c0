package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** 5-minute rows of service_call_5m: counts, quantiles, lateness and order independence. */
class ServiceCallAggregatorTest {
    static final long B0 = 1_700_000_100_000L; // a 5-minute boundary
    static final long FIVE = ServiceCallOptions.WINDOW_MILLIS;

    static Edge edge(String caller, String callee, long startMs, long clientMs, long serverMs, boolean failed, long trace) {
        Edge e = new Edge();
        e.tenant = "t";
        e.callerUrn = "urn:svc:ns/" + caller;
        e.callerName = caller;
        e.calleeUrn = serverMs < 0 ? "urn:peer:postgresql/orders" : "urn:svc:ns/" + callee;
        e.calleeName = callee;
        e.calleeVirtual = serverMs < 0;
        e.connectionType = serverMs < 0 ? ConnectionType.DATABASE : ConnectionType.REQUEST;
        e.startTimeNanos = startMs * 1_000_000L;
        e.clientDurationNanos = clientMs * 1_000_000L;
        e.serverDurationNanos = serverMs < 0 ? Edge.ABSENT : serverMs * 1_000_000L;
        e.failed = failed;
        e.traceIdHi = trace;
        e.traceIdLo = trace * 31;
        e.callerPartition = (int) (trace % 2);
        e.callerOffset = trace;
        e.calleePartition = serverMs < 0 ? -1 : (int) ((trace + 1) % 2);
        e.calleeOffset = serverMs < 0 ? Edge.ABSENT : trace + 1000;
        return e;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Edge, ServiceCallRow> harness(ServiceCallOptions o) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Edge, ServiceCallRow>(
                new KeyedProcessOperator<>(new ServiceCallAggregator(o)), ServiceCallAggregator::edgeKey, Types.STRING);
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, Edge, ServiceCallRow> h, Edge e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTimeMillis()));
    }

    static List<ServiceCallRow> rows(KeyedOneInputStreamOperatorTestHarness<String, Edge, ServiceCallRow> h) {
        List<ServiceCallRow> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((ServiceCallRow) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    @Test
    void shouldEmitBucketRowOnWatermarkAndClearStateAfterLateness() throws Exception {
        var h = harness(ServiceCallOptions.defaults());
        for (int i = 0; i < 100; i++) {
            add(h, edge("frontend", "checkout", B0 + i * 1000, i + 1, i / 2 + 1, i % 10 == 0, i));
        }
        add(h, edge("checkout", "postgresql", B0 + 5, 3, -1, false, 500));
        assertThat(rows(h)).isEmpty();
        h.processWatermark(new Watermark(B0 + FIVE - 1));

        List<ServiceCallRow> out = rows(h);
        assertThat(out).hasSize(2);
        ServiceCallRow r = out.stream().filter(x -> x.calleeName.equals("checkout")).findFirst().orElseThrow();
        assertThat(r.bucketStartMillis).isEqualTo(B0);
        assertThat(r.calls).isEqualTo(100);
        assertThat(r.errors).isEqualTo(10);
        assertThat(r.rps).isEqualTo(100 / 300.0);
        assertThat(r.errRate).isEqualTo(0.1);
        assertThat(r.durationSide).isEqualTo(ServiceCallRow.SIDE_CLIENT);
        assertThat(r.p50Ms).isBetween(49.0, 52.0);
        assertThat(r.p95Ms).isBetween(94.0, 97.0);
        assertThat(r.serverP50Ms).isBetween(24.0, 27.0);
        assertThat(r.serverCalls).isEqualTo(100);
        assertThat(r.durationSumMs).isEqualTo(5050.0);
        assertThat(r.connectionType).isEqualTo("request");
        assertThat(r.firstSeenMillis).isEqualTo(B0);
        assertThat(r.lastSeenMillis).isEqualTo(B0 + 99_000);
        assertThat(r.sampleTraceId).as("a failed call's trace").isNotNull();
        long sampleHi = Long.parseUnsignedLong(r.sampleTraceId.substring(0, 16), 16);
        assertThat(sampleHi % 10).isZero();
        assertThat(r.range.from).containsExactly(0, 1);
        assertThat(r.range.to).containsExactly(1099, 1098);
        ServiceCallRow db = out.stream().filter(x -> x.calleeName.equals("postgresql")).findFirst().orElseThrow();
        assertThat(db.calleeVirtual).isTrue();
        assertThat(db.serverCalls).isZero();
        assertThat(db.serverP95Ms).isNaN();
        assertThat(db.serverKll).isNull();
        assertThat(db.connectionType).isEqualTo("database");

        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).as("the cleanup timers").isEqualTo(2);
        h.processWatermark(new Watermark(B0 + FIVE - 1 + Duration.ofMinutes(2).toMillis()));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldRewriteRowForLateEdgeAndSideOutputEdgesBeyondLateness() throws Exception {
        var h = harness(ServiceCallOptions.builder().allowedLateness(Duration.ofMinutes(2)).build());
        add(h, edge("a", "b", B0 + 10, 5, 4, false, 1));
        h.processWatermark(new Watermark(B0 + FIVE));
        assertThat(rows(h)).hasSize(1);

        add(h, edge("a", "b", B0 + 20, 5, 4, true, 2));
        assertThat(rows(h)).hasSize(2);
        assertThat(rows(h).get(1).calls).isEqualTo(2);
        assertThat(rows(h).get(1).errors).isEqualTo(1);

        h.processWatermark(new Watermark(B0 + FIVE - 1 + Duration.ofMinutes(2).toMillis()));
        add(h, edge("a", "b", B0 + 30, 5, 4, false, 3));
        assertThat(rows(h)).hasSize(2);
        assertThat(h.getSideOutput(ServiceCallAggregator.LATE_EDGES)).hasSize(1);
    }

    @Test
    void shouldWriteIdenticalRowsWhateverTheArrivalOrder() throws Exception {
        List<Edge> edges = new ArrayList<>();
        Random r = new Random(11);
        for (int i = 0; i < 2000; i++) {
            edges.add(edge("a", "b", B0 + r.nextInt((int) FIVE), 1 + r.nextInt(500), 1 + r.nextInt(400), r.nextInt(20) == 0, i));
        }
        ServiceCallRow first = null;
        for (int round = 0; round < 3; round++) {
            Collections.shuffle(edges, r);
            var h = harness(ServiceCallOptions.defaults());
            for (Edge e : edges) {
                add(h, e);
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            ServiceCallRow row = rows(h).get(0);
            if (first == null) {
                first = row;
                continue;
            }
            assertThat(row.kll).isEqualTo(first.kll);
            assertThat(row.serverKll).isEqualTo(first.serverKll);
            assertThat(row.p95Ms).isEqualTo(first.p95Ms);
            assertThat(row.durationSumMs).isEqualTo(first.durationSumMs);
            assertThat(row.sampleTraceId).isEqualTo(first.sampleTraceId);
            assertThat(row.range).isEqualTo(first.range);
        }
    }
}
