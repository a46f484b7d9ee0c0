package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.KafkaRange;

class LogStateSampleTest {
    private static BufferedLog line(long offset, String body) {
        return new BufferedLog(1_000_000_000L + offset, 0, offset, 9, "INFO", false, body);
    }

    @Test
    void minesLikeTheFingerprinter() throws Exception {
        LogMinerState st = LogStateSample.mine(LogPatternOptions.defaults(), "default", "urn:svc:shop/cart", List.of(
                line(0, "connected to cache in 12 ms"), line(1, "connected to cache in 15 ms"), line(2, "disk quota exceeded for volume")));
        assertThat(st.tree().clusterCount()).isEqualTo(2);
        assertThat(st.patternCount()).isEqualTo(2);
        PatternStats first = st.patterns.values().iterator().next();
        assertThat(first.sample).isEqualTo("connected to cache in 12 ms");
        // the real serializer round-trips it
        LogMinerStateSerializer ser = new LogMinerStateSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        ser.serialize(st, out);
        LogMinerState back = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.tree().clusterCount()).isEqualTo(2);
        assertThat(back.patternCount()).isEqualTo(2);
    }

    @Test
    void windowHoldsTheCounts() {
        KafkaRange r = new KafkaRange();
        r.add(0, 5, 60_000);
        LogPatternWindow w = LogStateSample.window(0, "default", "cart", "urn:svc:shop/cart", 42L, 7, 2, r);
        LogPatternWindowRow row = w.toRow();
        assertThat(row.fingerprintId).isEqualTo(42L);
        assertThat(row.countTotal).isEqualTo(7);
        assertThat(row.countError).isEqualTo(2);
        assertThat(row.serviceUrn).isEqualTo("urn:svc:shop/cart");
    }
}
