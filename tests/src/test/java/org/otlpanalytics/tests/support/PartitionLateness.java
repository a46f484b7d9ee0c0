package org.otlpanalytics.tests.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.operators.ingest.GuardedWatermarks;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Which spans of a test input arrive behind the watermark of their own Kafka partition, computed
 * with the job's watermark generator ({@link GuardedWatermarks}, no idleness) on each partition's
 * records in send order, as the job reads them.
 *
 * <p>Why tests need it: a partition's watermark depends on its records alone, but an operator's
 * watermark is the minimum over its inputs, so how far it has moved when a record arrives depends
 * on how far the <em>other</em> partitions have been read. A span that is on time on its partition
 * (its timestamp ahead of that partition's watermark) is ahead of every operator's watermark when
 * it gets there, whatever the interleaving: the edge pairing promises the same pairs for those
 * (two halves pair when each starts before the other's deadline). A span behind its partition's
 * watermark is ahead of an operator's watermark or not depending on that interleaving, so a
 * failure-free run and a restored one can treat it differently. A test that compares such runs
 * must send only on-time records, or records so far behind ({@link LateRecords}) that every run
 * that has seen any watermark at all judges them late.
 */
public final class PartitionLateness {
    private PartitionLateness() {}

    /**
     * For every record of {@code recs} (trace messages, OTLP protobuf), how many of its spans are
     * at or behind their partition's watermark when they are read (Flink's rule: a record is late
     * when its timestamp is not after the current watermark).
     */
    public static int[] lateSpans(List<ProducerRecord<byte[], byte[]>> recs, Duration outOfOrderness) throws Exception {
        SpanDecoder decoder = new SpanDecoder(Encoding.OTLP_PROTO);
        WatermarkStrategy<Decoded<SpanRecord>> strategy = GuardedWatermarks.strategy(decoder, outOfOrderness, Duration.ZERO);
        TimestampAssigner<Decoded<SpanRecord>> timestamps = strategy.createTimestampAssigner(null);
        Map<Integer, WatermarkGenerator<Decoded<SpanRecord>>> generators = new HashMap<>();
        Map<Integer, Highest> watermarks = new HashMap<>();
        Map<Integer, Integer> offsets = new HashMap<>();
        int[] late = new int[recs.size()];
        List<SpanRecord> spans = new ArrayList<>();
        for (int i = 0; i < recs.size(); i++) {
            ProducerRecord<byte[], byte[]> r = recs.get(i);
            int p = r.partition() == null ? 0 : r.partition();
            WatermarkGenerator<Decoded<SpanRecord>> g = generators.computeIfAbsent(p, k -> strategy.createWatermarkGenerator(null));
            Highest seen = watermarks.computeIfAbsent(p, k -> new Highest());
            int offset = offsets.merge(p, 1, Integer::sum) - 1;
            long kafkaTimestamp = r.timestamp() == null ? Decoded.NO_TIMESTAMP : r.timestamp();
            spans.clear();
            decoder.decode(r.value(), p, offset, spans);
            for (SpanRecord s : spans) {
                Decoded<SpanRecord> d = Decoded.of(s, kafkaTimestamp);
                long t = timestamps.extractTimestamp(d, Long.MIN_VALUE);
                if (t <= seen.watermark) {
                    late[i]++;
                }
                g.onEvent(d, t, seen);
            }
        }
        return late;
    }

    /** The watermark an operator reading only this partition has seen: the highest emitted so far. */
    private static final class Highest implements WatermarkOutput {
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
}
