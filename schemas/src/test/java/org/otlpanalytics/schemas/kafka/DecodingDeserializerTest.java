package org.otlpanalytics.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.OtlpDecoder;

class DecodingDeserializerTest {
    private static final long KAFKA_TS = 1_772_359_200_000L; // 2026-03-01T10:00:00Z

    /** A message is a comma-separated list of event times (ms); each record is one time. */
    static final class TimesDecoder implements OtlpDecoder<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public int decode(byte[] value, int partition, long offset, List<Long> out) {
            for (String s : new String(value, StandardCharsets.UTF_8).split(",")) {
                out.add(Long.parseLong(s.trim()));
            }
            return out.size();
        }

        @Override
        public long eventTimeMillis(Long record) {
            return record;
        }
    }

    private static List<Decoded<Long>> deserialize(String value, long timestamp, TimestampType type) {
        DecodingDeserializer<Long> d = new DecodingDeserializer<>(new TimesDecoder(), Long.class, Duration.ofMinutes(10));
        List<Decoded<Long>> out = new ArrayList<>();
        d.deserialize(new ConsumerRecord<>("otlp_spans", 1, 42L, timestamp, type, 0, value.length(), null,
                value.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty()), new Collector<>() {
                    @Override
                    public void collect(Decoded<Long> r) {
                        out.add(r);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    @Test
    void aRecordDatedBeyondTheSkewAfterItsKafkaTimestampIsDeadLetteredAloneWithItsReason() {
        long tooFar = KAFKA_TS + Duration.ofHours(1).toMillis();
        long justInside = KAFKA_TS + Duration.ofMinutes(10).toMillis();
        List<Decoded<Long>> out = deserialize((KAFKA_TS - 5_000) + "," + tooFar + "," + justInside, KAFKA_TS,
                TimestampType.CREATE_TIME);
        assertThat(out).hasSize(3);
        assertThat(out.get(0).record).isEqualTo(KAFKA_TS - 5_000);
        assertThat(out.get(0).kafkaTimestamp).isEqualTo(KAFKA_TS);
        assertThat(out.get(2).record).isEqualTo(justInside);
        DeadLetter dead = out.get(1).deadLetter;
        assertThat(dead.reason).startsWith(DecodingDeserializer.FUTURE_REASON_PREFIX).contains("record 1 ")
                .contains("3600000 ms");
        assertThat(dead.sourceTopic).isEqualTo("otlp_spans");
        assertThat(dead.sourcePartition).isEqualTo(1);
        assertThat(dead.sourceOffset).isEqualTo(42L);
        assertThat(new String(dead.value, StandardCharsets.UTF_8)).contains("\"eventTimeMillis\":" + tooFar);
    }

    @Test
    void recordsWithoutAKafkaTimestampAreNotJudged() {
        long farAhead = KAFKA_TS + Duration.ofDays(400).toMillis();
        List<Decoded<Long>> out = deserialize(Long.toString(farAhead), -1L, TimestampType.NO_TIMESTAMP_TYPE);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).record).isEqualTo(farAhead);
        assertThat(out.get(0).kafkaTimestamp).isEqualTo(Decoded.NO_TIMESTAMP);
    }

    @Test
    void anUndecodableMessageIsStillDeadLetteredWhole() {
        List<Decoded<Long>> out = deserialize("12,not-a-time", KAFKA_TS, TimestampType.CREATE_TIME);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).deadLetter.reason).startsWith("decoder error: NumberFormatException");
        assertThat(new String(out.get(0).deadLetter.value, StandardCharsets.UTF_8)).isEqualTo("12,not-a-time");
    }
}
