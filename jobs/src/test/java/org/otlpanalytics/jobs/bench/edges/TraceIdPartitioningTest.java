package org.otlpanalytics.jobs.bench.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

class TraceIdPartitioningTest {

    @Test
    void shouldSplitARequestIntoOneRecordPerTraceKeyedByItsHexIdWithEverySpanKept() throws Exception {
        TelemetryGenerator g = new TelemetryGenerator(1, "default").withLogs(false).withMetrics(false);
        SpanDecoder d = new SpanDecoder(Encoding.OTLP_PROTO);
        int messages = 0;
        for (TelemetryGenerator.Message m : g.generate(1_767_225_600_000L, 2_000, 50)) {
            List<SpanRecord> whole = new ArrayList<>();
            d.decode(m.value, 0, 0, whole);
            Map<String, Integer> perTrace = new HashMap<>();
            for (SpanRecord s : whole) {
                perTrace.merge(s.traceIdHex(), 1, Integer::sum);
            }
            List<TraceIdPartitioning.Keyed> split = TraceIdPartitioning.split(m.value);
            assertThat(split).hasSize(perTrace.size());
            int spans = 0;
            for (TraceIdPartitioning.Keyed k : split) {
                List<SpanRecord> part = new ArrayList<>();
                d.decode(k.value(), 0, 0, part);
                String key = new String(k.key(), StandardCharsets.UTF_8);
                assertThat(part).allSatisfy(s -> {
                    assertThat(s.traceIdHex()).isEqualTo(key);
                    assertThat(s.serviceName).isEqualTo(m.service);
                });
                assertThat(part).hasSize(perTrace.get(key));
                spans += part.size();
            }
            assertThat(spans).isEqualTo(whole.size());
            messages++;
        }
        assertThat(messages).as("messages generated").isGreaterThan(5);
    }
}
