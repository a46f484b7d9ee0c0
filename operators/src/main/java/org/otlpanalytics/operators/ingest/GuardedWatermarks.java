package org.otlpanalytics.operators.ingest;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.otlpanalytics.schemas.OtlpDecoder;
import org.otlpanalytics.schemas.kafka.Decoded;

/**
 * Bounded out-of-orderness watermarks, per Kafka partition, that depend on the records alone: the
 * same partition read live or replayed months later yields the same watermark before every record,
 * so lateness is judged the same way. Two rules make that so:
 *
 * <ul>
 *   <li><b>No wall clock.</b> A record moves the watermark with {@code min(event time, Kafka record
 *       timestamp)}: the Kafka timestamp is when the Collector produced the record (or the broker
 *       appended it), which a record's own date cannot honestly be after. A sender whose clock runs
 *       ahead therefore cannot push the watermark past the data the others are still sending, and
 *       a record too far ahead is dead-lettered before it gets here
 *       ({@code DecodingDeserializer}, {@code --max-future-skew}). A record without a Kafka
 *       timestamp uses its event time. Records keep their own timestamps either way.
 *   <li><b>Emitted from the records, not the clock.</b> The watermark is emitted as the records
 *       pass, whenever it enters a new {@link #GRANULARITY_MILLIS} step of event time, never by the
 *       periodic timer (which only repeats the last value, keeping idleness detection working). A
 *       periodic watermark would reflect how much had been read when the timer fired, which differs
 *       between a live run and a fast replay. The cost is a watermark up to one step behind.
 * </ul>
 *
 * What stays timing-dependent is how Flink combines partitions: an operator's watermark is the
 * minimum over its inputs, and which partition is read first is up to the consumer.
 */
public final class GuardedWatermarks<T> implements WatermarkGenerator<Decoded<T>> {
    /** Watermarks advance in steps of this much event time. */
    public static final long GRANULARITY_MILLIS = 1000;

    private final long outOfOrdernessMillis;
    private long maxTimestamp = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    GuardedWatermarks(Duration outOfOrderness) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
    }

    /** Watermark strategy over decoded records: timestamps from the decoder, these watermarks, idleness. */
    public static <T> WatermarkStrategy<Decoded<T>> strategy(OtlpDecoder<T> decoder, Duration outOfOrderness,
            Duration idleness) {
        WatermarkStrategy<Decoded<T>> s = WatermarkStrategy
                .<Decoded<T>>forGenerator(ctx -> new GuardedWatermarks<>(outOfOrderness))
                .withTimestampAssigner(ctx -> (d, previous) ->
                        d.record != null ? decoder.eventTimeMillis(d.record) : TimestampAssigner.NO_TIMESTAMP);
        return idleness == null || idleness.isZero() ? s : s.withIdleness(idleness);
    }

    /** What a record contributes to the watermark: its event time, capped at its Kafka timestamp. */
    static long candidate(long eventTimestamp, long kafkaTimestamp) {
        return kafkaTimestamp == Decoded.NO_TIMESTAMP ? eventTimestamp : Math.min(eventTimestamp, kafkaTimestamp);
    }

    @Override
    public void onEvent(Decoded<T> event, long eventTimestamp, WatermarkOutput output) {
        if (event.record == null) {
            return;
        }
        long c = candidate(eventTimestamp, event.kafkaTimestamp);
        if (c <= maxTimestamp) {
            return;
        }
        maxTimestamp = c;
        long exact = c - outOfOrdernessMillis - 1;
        long stepped = Math.floorDiv(exact, GRANULARITY_MILLIS) * GRANULARITY_MILLIS;
        if (exact > Long.MIN_VALUE + GRANULARITY_MILLIS && stepped > emitted) {
            emitted = stepped;
            output.emitWatermark(new Watermark(emitted));
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (emitted != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(emitted));
        }
    }
}
