package org.otlpanalytics.operators.red;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.traces.SpanRecord;

class RedStateSampleTest {
    private static SpanRecord span(long traceLo, long millis, int status) {
        SpanRecord s = new SpanRecord();
        s.tenant = "default";
        s.serviceName = "cart";
        s.serviceUrn = "urn:svc:shop/cart";
        s.name = "GET /cart";
        s.kind = 2;
        s.statusCode = status;
        s.traceIdLo = traceLo;
        s.startTimeNanos = 60_000_000_000L;
        s.endTimeNanos = s.startTimeNanos + millis * 1_000_000L;
        s.kafkaPartition = 1;
        s.kafkaOffset = traceLo;
        return s;
    }

    @Test
    void accumulatorCountsTheSpansAsTheAggregatorDoes() throws Exception {
        List<SpanRecord> spans = List.of(span(1, 10, SpanRecord.STATUS_OK), span(2, 20, SpanRecord.STATUS_ERROR), span(3, 30, SpanRecord.STATUS_OK));
        RedAccumulator a = RedStateSample.accumulator(spans, RedOptions.defaults());
        assertThat(a.calls).isEqualTo(3);
        assertThat(a.errors).isEqualTo(1);
        assertThat(a.durationSumMs()).isEqualTo(60.0);
        assertThat(a.distinctTraces()).isEqualTo(3.0);
        // the real serializer round-trips it
        RedAccumulatorSerializer ser = new RedAccumulatorSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        ser.serialize(a, out);
        RedAccumulator back = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.calls).isEqualTo(3);
        assertThat(back.durations().max()).isEqualTo(a.durations().max());
    }

    @Test
    void keyAndWindowAreTheAggregatorsOwn() {
        SpanRecord s = span(7, 5, SpanRecord.STATUS_UNSET);
        assertThat(RedStateSample.seriesKey(60_000, s)).isEqualTo(new RedSeriesKey(60_000, "GET /cart", 2, SpanRecord.STATUS_UNSET));
        RedWindow w = RedStateSample.window(s);
        assertThat(w.serviceUrn).isEqualTo("urn:svc:shop/cart");
        assertThat(w.fired).isFalse();
        assertThat(w.range.isEmpty()).isFalse();
    }
}
