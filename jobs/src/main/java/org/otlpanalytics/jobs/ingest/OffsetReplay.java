package org.otlpanalytics.jobs.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.OffsetRanges;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.OtlpDecoder;
import org.otlpanalytics.schemas.logs.LogDecoder;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.traces.SpanDecoder;

/**
 * Turns a backfill by offsets ({@code --offsets topic:partition:from-to,...}) into the replay it
 * means, before the job is built: the records in the ranges are read once and decoded with the
 * job's own decoders, and their earliest and latest event times become the replay range.
 * {@link JobOptions#replayRange()} treats that range as "every window these records touch": the
 * job re-reads Kafka around it (by record timestamp, with the usual margin plus the widest
 * window) and rewrites each window that overlaps it, whole, from all its records, not only from
 * those in the ranges. Only the pipelines that read a named topic run (their windows are the only
 * ones such records touch); with ranges on several topics, each of them rewrites the windows any
 * named record touches. Undecodable messages and records the job would dead-letter as too far in
 * the future touch no window.
 */
public final class OffsetReplay {
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private OffsetReplay() {}

    /**
     * The options unchanged without {@code --offsets} (or when already resolved); else with the
     * earliest and latest event time of the records in the ranges, which
     * {@link JobOptions#replayRange()} needs. Reads Kafka, so call it once, where the job is built.
     */
    public static JobOptions resolve(JobOptions o) {
        String offsets = o.get(JobOptions.OFFSETS);
        if (offsets == null || offsets.isBlank() || o.get(JobOptions.OFFSETS_EVENT_TIMES) != null) {
            return o;
        }
        OffsetRanges ranges = OffsetRanges.parse(offsets);
        long[] bounds = eventTimeBounds(o, ranges);
        return o.with(JobOptions.JOBS, pipelinesReading(o, ranges))
                .with(JobOptions.OFFSETS_EVENT_TIMES, bounds[0] + "-" + bounds[1]);
    }

    /**
     * The pipelines of {@code --jobs} that read a topic the ranges name: only their windows can be
     * touched by the records ({@code red} and {@code edges} read the spans topic, {@code logs} the
     * logs topic, {@code metrics} the metrics topic).
     */
    static String pipelinesReading(JobOptions o, OffsetRanges ranges) {
        Set<String> topics = new HashSet<>();
        ranges.ranges().forEach(r -> topics.add(r.topic()));
        Map<String, String> topicOf = Map.of("red", o.require(JobOptions.SPANS_TOPIC), "edges", o.require(JobOptions.SPANS_TOPIC),
                "logs", o.require(JobOptions.LOGS_TOPIC), "metrics", o.require(JobOptions.METRICS_TOPIC));
        List<String> jobs = new ArrayList<>();
        for (String j : o.require(JobOptions.JOBS).split(",")) {
            String job = j.trim();
            if (topics.contains(topicOf.get(job))) {
                jobs.add(job);
            }
        }
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("--" + JobOptions.OFFSETS + " names topics " + topics + " that no pipeline of --"
                    + JobOptions.JOBS + " " + o.get(JobOptions.JOBS) + " reads");
        }
        return String.join(",", jobs);
    }

    /** The earliest and latest event time (epoch ms) of the records the job would aggregate from the ranges. */
    static long[] eventTimeBounds(JobOptions o, OffsetRanges ranges) {
        Map<String, OtlpDecoder<?>> decoders = new HashMap<>();
        decoders.put(o.require(JobOptions.SPANS_TOPIC), new SpanDecoder(o.encoding()));
        decoders.put(o.require(JobOptions.LOGS_TOPIC), new LogDecoder(o.encoding()));
        decoders.put(o.require(JobOptions.METRICS_TOPIC), new MetricDecoder(o.encoding()));
        long maxFutureSkew = o.getDuration(JobOptions.MAX_FUTURE_SKEW).toMillis();
        long[] bounds = {Long.MAX_VALUE, Long.MIN_VALUE};
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.require(JobOptions.BOOTSTRAP));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "16777216");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            for (OffsetRanges.Range r : ranges.ranges()) {
                OtlpDecoder<?> decoder = decoders.get(r.topic());
                if (decoder == null) {
                    throw new IllegalArgumentException("--" + JobOptions.OFFSETS + ": topic " + r.topic() + " is none of --"
                            + JobOptions.SPANS_TOPIC + ", --" + JobOptions.LOGS_TOPIC + ", --" + JobOptions.METRICS_TOPIC);
                }
                read(consumer, r, decoder, maxFutureSkew, bounds);
            }
        }
        if (bounds[0] > bounds[1]) {
            throw new IllegalArgumentException("--" + JobOptions.OFFSETS + " " + ranges
                    + ": no record in these ranges can be decoded, so there is no window to rewrite");
        }
        return bounds;
    }

    private static <T> void read(KafkaConsumer<byte[], byte[]> consumer, OffsetRanges.Range r, OtlpDecoder<T> decoder,
            long maxFutureSkew, long[] bounds) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (consumer.partitionsFor(r.topic(), READ_TIMEOUT).stream().noneMatch(i -> i.partition() == r.partition())) {
            throw new IllegalArgumentException("--" + JobOptions.OFFSETS + ": " + tp + " does not exist");
        }
        consumer.assign(List.of(tp));
        long begin = consumer.beginningOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        long end = consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
        if (r.from() < begin || r.to() >= end) {
            throw new IllegalArgumentException("--" + JobOptions.OFFSETS + ": " + r + " is outside what " + tp
                    + " holds (offsets " + begin + " to " + (end - 1) + ")");
        }
        consumer.seek(tp, r.from());
        List<T> out = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (consumer.position(tp) <= r.to()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("--" + JobOptions.OFFSETS + ": could not read " + r + " within " + READ_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                if (rec.offset() > r.to()) {
                    break;
                }
                out.clear();
                try {
                    decoder.decode(rec.value(), rec.partition(), rec.offset(), out);
                } catch (DecodeException e) {
                    continue; // a dead letter: it touches no window
                }
                for (T record : out) {
                    long t = decoder.eventTimeMillis(record);
                    if (rec.timestamp() >= 0 && t > rec.timestamp() + maxFutureSkew) {
                        continue; // dead-lettered as too far in the future
                    }
                    bounds[0] = Math.min(bounds[0], t);
                    bounds[1] = Math.max(bounds[1], t);
                }
            }
        }
    }
}
