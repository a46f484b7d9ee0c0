package org.otlpanalytics.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {
    @Test
    void keepsOriginalBytesAndNamesReasonAndOrigin() {
        KafkaPayload p = new KafkaPayload("otlp_spans", 2, 41, 1000L, new byte[] {1}, new byte[] {9, 9});
        DeadLetter d = new DeadLetter(p, "otlp_proto: truncated " + "y".repeat(5000));
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq").serialize(d, null, null);
        assertThat(r.topic()).isEqualTo("dlq");
        assertThat(r.value()).containsExactly(9, 9);
        assertThat(r.key()).containsExactly(1);
        assertThat(h(r, DeadLetterSerializer.HEADER_TOPIC)).isEqualTo("otlp_spans");
        assertThat(h(r, DeadLetterSerializer.HEADER_PARTITION)).isEqualTo("2");
        assertThat(h(r, DeadLetterSerializer.HEADER_OFFSET)).isEqualTo("41");
        assertThat(h(r, DeadLetterSerializer.HEADER_REASON)).startsWith("otlp_proto: truncated").hasSize(1024);
    }

    static String h(ProducerRecord<byte[], byte[]> r, String k) {
        return new String(r.headers().lastHeader(k).value(), StandardCharsets.UTF_8);
    }
}
