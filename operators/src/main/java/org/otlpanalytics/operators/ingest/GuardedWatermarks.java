package org.otlpanalytics.operators.ingest;

import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.otlpanalytics.schemas.OtlpDecoder;
import org.otlpanalytics.schemas.kafka.Decoded;

/**
 * Bounded out-of-orderness watermarks that a single record with a clock far in the future
 * cannot drag forward: timestamps more than {@code maxFutureSkew} ahead of the wall clock are
 * not used for the watermark (the record itself keeps its timestamp and is aggregated).
 * Without this, one hostile span dated next year would make every later record "late".
 */
public final class GuardedWatermarks<T> implements WatermarkGenerator<Decoded<T>> {
    private final long outOfOrdernessMillis;
    private final long maxFutureSkewMillis;
    private final Clock clock;
    private long maxTimestamp;

    GuardedWatermarks(Duration outOfOrderness, Duration maxFutureSkew, Clock clock) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.clock = clock;
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    /** Watermark strategy over decoded records: timestamps from the decoder, guarded watermarks, idleness. */
    public static <T> WatermarkStrategy<Decoded<T>> strategy(OtlpDecoder<T> decoder, Duration outOfOrderness,
            Duration maxFutureSkew, Duration idleness) {
        WatermarkStrategy<Decoded<T>> s = WatermarkStrategy
                .<Decoded<T>>forGenerator(ctx -> new GuardedWatermarks<>(outOfOrderness, maxFutureSkew, Clock.systemUTC()))
                .withTimestampAssigner(ctx -> (d, previous) ->
                        d.record != null ? decoder.eventTimeMillis(d.record) : TimestampAssigner.NO_TIMESTAMP);
        return idleness == null || idleness.isZero() ? s : s.withIdleness(idleness);
    }

    @Override
    public void onEvent(Decoded<T> event, long eventTimestamp, WatermarkOutput output) {
        if (event.record == null) {
            return;
        }
        if (eventTimestamp > maxTimestamp && eventTimestamp <= clock.millis() + maxFutureSkewMillis) {
            maxTimestamp = eventTimestamp;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(maxTimestamp - outOfOrdernessMillis - 1));
    }
}
