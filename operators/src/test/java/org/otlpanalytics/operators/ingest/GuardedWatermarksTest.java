package org.otlpanalytics.operators.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.kafka.Decoded;

class GuardedWatermarksTest {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(30);

    /** The watermark an operator downstream has seen: the highest emitted so far. */
    private static final class Seen implements WatermarkOutput {
        long watermark = Long.MIN_VALUE;

        @Override
        public void emitWatermark(Watermark w) {
            watermark = Math.max(watermark, w.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }

    private static WatermarkGenerator<Decoded<String>> generator() {
        return GuardedWatermarks.strategy(new FixedTimeDecoder(), OUT_OF_ORDERNESS, Duration.ZERO)
                .createWatermarkGenerator(null);
    }

    private static Decoded<String> record(long kafkaTimestamp) {
        return Decoded.of("r", kafkaTimestamp);
    }

    /** Feeds (event time, Kafka timestamp) pairs; returns the watermark seen when each record arrives. */
    private static List<Long> watermarksBeforeEachRecord(long[][] records, Random periodicTimer) {
        WatermarkGenerator<Decoded<String>> g = generator();
        Seen out = new Seen();
        List<Long> before = new ArrayList<>();
        for (long[] r : records) {
            if (periodicTimer != null && periodicTimer.nextInt(4) == 0) {
                g.onPeriodicEmit(out);
            }
            before.add(out.watermark);
            g.onEvent(record(r[1]), r[0], out);
        }
        return before;
    }

    @Test
    void recordsDatedAfterTheWallClockMoveTheWatermarkAsTheyWillLive() {
        // a replay long before (or a run long after) the data's own time judges it by the data alone
        long t = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        WatermarkGenerator<Decoded<String>> g = generator();
        Seen out = new Seen();
        g.onEvent(record(t + 2_000), t, out);
        g.onPeriodicEmit(out);
        assertThat(out.watermark).isEqualTo(t - 31_000);
    }

    @Test
    void aSenderClockAheadOfKafkaCannotPushTheWatermarkPastKafkaTime() {
        long t = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        WatermarkGenerator<Decoded<String>> g = generator();
        Seen out = new Seen();
        g.onEvent(record(t), t - 5_000, out);
        g.onEvent(record(t + 1_000), t + Duration.ofMinutes(9).toMillis(), out); // a clock 9 minutes ahead
        g.onPeriodicEmit(out);
        assertThat(out.watermark).isEqualTo(t + 1_000 - 31_000);
        // without a Kafka timestamp the record's own time counts
        g.onEvent(record(Decoded.NO_TIMESTAMP), t + 60_000, out);
        assertThat(out.watermark).isEqualTo(t + 60_000 - 31_000);
    }

    @Test
    void theWatermarkBeforeEachRecordDoesNotDependOnWhenThePeriodicTimerFires() {
        long t = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        Random data = new Random(7);
        long[][] records = new long[2_000][];
        for (int i = 0; i < records.length; i++) {
            long event = t + i * 250L - data.nextInt(20_000);
            records[i] = new long[] {event, t + i * 250L};
        }
        List<Long> live = watermarksBeforeEachRecord(records, new Random(1));
        List<Long> replay = watermarksBeforeEachRecord(records, null); // read so fast the timer never fires
        List<Long> other = watermarksBeforeEachRecord(records, new Random(99));
        assertThat(replay).isEqualTo(live).isEqualTo(other);
        assertThat(live.get(live.size() - 1)).isGreaterThan(t);
    }

    @Test
    void advancesInWholeSecondsBehindTheOutOfOrderness() {
        long t = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        WatermarkGenerator<Decoded<String>> g = generator();
        Seen out = new Seen();
        g.onEvent(record(t + 40_500), t + 40_500, out);
        assertThat(out.watermark).isEqualTo(t + 10_000);
        g.onEvent(record(t + 40_900), t + 40_900, out);
        assertThat(out.watermark).isEqualTo(t + 10_000);
        g.onEvent(record(t + 41_001), t + 41_001, out);
        assertThat(out.watermark).isEqualTo(t + 11_000);
        g.onEvent(Decoded.dead(null), t + 99_000, out);
        assertThat(out.watermark).as("dead letters carry no time").isEqualTo(t + 11_000);
    }

    /** A decoder whose records are strings; the tests give event times directly. */
    static final class FixedTimeDecoder implements org.otlpanalytics.schemas.OtlpDecoder<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public int decode(byte[] value, int partition, long offset, List<String> out) {
            return 0;
        }

        @Override
        public long eventTimeMillis(String record) {
            return 0;
        }
    }
}
