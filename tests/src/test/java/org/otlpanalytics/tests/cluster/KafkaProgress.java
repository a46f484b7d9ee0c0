package org.otlpanalytics.tests.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;

/**
 * What a job has read, as Kafka sees it: the job's Kafka sources commit their offsets to the
 * consumer groups {@code <group-id>-<topic>} when a checkpoint completes, so committed offsets at
 * the topics' end offsets mean that everything written is in a completed checkpoint. Also reads a
 * dead-letter topic whole.
 */
public final class KafkaProgress {
    private KafkaProgress() {}

    /** The end offset of every partition of the topics. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (String t : topics) {
            for (var p : admin.describeTopics(List.of(t)).allTopicNames().get(30, TimeUnit.SECONDS).get(t).partitions()) {
                request.put(new TopicPartition(t, p.partition()), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** The offsets the job's consumer groups ({@code <groupPrefix>-<topic>}) have committed; 0 where none. */
    public static Map<TopicPartition, Long> committed(Admin admin, String groupPrefix, List<String> topics) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (String t : topics) {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(groupPrefix + "-" + t)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            m.forEach((tp, o) -> out.put(tp, o == null ? 0 : o.offset()));
        }
        return out;
    }

    /** Records in {@code target} not yet behind a committed offset (0: caught up with {@code target}). */
    public static long behind(Map<TopicPartition, Long> target, Map<TopicPartition, Long> committed) {
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            n += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
        }
        return n;
    }

    /**
     * Every dead letter of {@code topic} as {@code reason | source topic | partition | offset},
     * sorted, with repeats (the dead-letter sink is at-least-once); reads up to the end offsets.
     */
    public static List<String> deadLetters(String bootstrapServers, String topic) throws Exception {
        Map<TopicPartition, Long> end;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            end = endOffsets(admin, List.of(topic));
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.assign(end.keySet());
            c.seekToBeginning(end.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!reached(c, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(header(r, DeadLetterSerializer.HEADER_REASON) + " | " + header(r, DeadLetterSerializer.HEADER_TOPIC)
                            + " | " + header(r, DeadLetterSerializer.HEADER_PARTITION) + " | "
                            + header(r, DeadLetterSerializer.HEADER_OFFSET));
                }
            }
            if (!reached(c, end)) {
                throw new IllegalStateException("could not read " + topic + " to its end " + end);
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
