package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.tests.support.LateRecords;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.Throttle;

/**
 * Lateness is a property of the data, not of the reading speed: a live run that reads slowly
 * (periodic watermarks would keep up with it) and a bounded replay of the same partition that
 * reads as fast as it can (periodic watermarks would lag minutes of event time behind it) send the
 * same records to the dead-letter topic as late and write the same rows. The late records are
 * copies moved back a little over the out-of-orderness plus the allowed lateness, so that whether
 * they count depends on the watermark at the moment they are read. One partition, parallelism 1:
 * how Flink interleaves partitions is the one thing left to timing.
 */
class ReplayLatenessTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @Test
    void replayClassifiesTheSameRecordsAsLateAsTheLiveRun() throws Exception {
        String topic = "otlp_spans_late";
        SERVICES.kafka().createTopics(1, topic, "dead_live", "dead_replay");
        long start = Instant.parse("2026-05-02T06:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(5, "default").withLogs(false).withMetrics(false)
                .generate(start, Duration.ofMinutes(8).toMillis(), 10);
        SERVICES.kafka().send(LateRecords.tracesWithLateCopies(topic, 1, msgs, 4, Duration.ofSeconds(170).toMillis(),
                start + Duration.ofMinutes(3).toMillis()));

        // live: slow, a record every 0.1 ms
        Pipelines.runRed(options("live", topic, "dead_live"), new Throttle<>());
        List<String> live = Pipelines.rows(SERVICES.postgres(), ExactlyOnceRecoveryTest.RED_ROWS);
        TreeSet<String> lateLive = late("dead_live");
        assertThat(lateLive).as("some copies are late, judged by the watermark").isNotEmpty();

        // replay of the whole range, as fast as it reads, rewriting every minute
        Pipelines.runRed(options("replay", topic, "dead_replay").with(JobOptions.FROM, Instant.ofEpochMilli(start).toString())
                .with(JobOptions.TO, Instant.ofEpochMilli(start).plus(Duration.ofMinutes(9)).toString()), null);
        assertThat(late("dead_replay")).isEqualTo(lateLive);
        assertThat(Pipelines.rows(SERVICES.postgres(), ExactlyOnceRecoveryTest.RED_ROWS)).containsExactlyElementsOf(live);
    }

    private static JobOptions options(String group, String topic, String deadLetters) {
        return Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, group, JobOptions.SPANS_TOPIC, topic,
                JobOptions.DEAD_LETTER_TOPIC, deadLetters, JobOptions.PARALLELISM, "1");
    }

    /** The late dead letters as offset and reason (a replay may write one twice; none is lost). */
    private static TreeSet<String> late(String deadLetters) {
        TreeSet<String> out = new TreeSet<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", SERVICES.kafka().bootstrapServers());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(deadLetters).stream()
                    .map(i -> new TopicPartition(deadLetters, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String reason = RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_REASON);
                    if (reason.startsWith("late: ")) {
                        out.add(RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_OFFSET) + " " + reason);
                    }
                }
            }
        }
        return out;
    }
}
