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
        assertThat(r.headers().lastHeader(DeadLetterSerializer.HEADER_VALUE_BYTES)).isNull();
    }

    @Test
    void cutsAValueLongerThanTheBoundAndNamesItsLength() {
        byte[] value = new byte[DeadLetter.MAX_VALUE_BYTES + 1];
        value[DeadLetter.MAX_VALUE_BYTES - 1] = 7;
        value[DeadLetter.MAX_VALUE_BYTES] = 8;
        KafkaPayload p = new KafkaPayload("otlp_metrics", 0, 3, 1000L, null, value);
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("dlq").serialize(new DeadLetter(p, "too many buckets"), null, null);
        assertThat(r.value()).hasSize(DeadLetter.MAX_VALUE_BYTES).endsWith(7);
        assertThat(h(r, DeadLetterSerializer.HEADER_VALUE_BYTES)).isEqualTo(Integer.toString(DeadLetter.MAX_VALUE_BYTES + 1));

        byte[] exact = new byte[DeadLetter.MAX_VALUE_BYTES];
        DeadLetter whole = new DeadLetter(new KafkaPayload("otlp_metrics", 0, 4, 1000L, null, exact), "x");
        assertThat(whole.value).isSameAs(exact);
        assertThat(whole.valueBytes).isEqualTo(-1);
    }

    static String h(ProducerRecord<byte[], byte[]> r, String k) {
        return new String(r.headers().lastHeader(k).value(), StandardCharsets.UTF_8);
    }
}
