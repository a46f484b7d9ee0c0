package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.tests.support.FailOnce;
import org.otlpanalytics.tests.support.LateRecords;
import org.otlpanalytics.tests.support.PartitionLateness;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.Throttle;

/**
 * Exactly once for the edge tables, on the heap and on the RocksDB state backend: the same input
 * (two partitions, sent out of order, with a gap that closes every interval once) processed once
 * without failure and once with a failure injected after a checkpoint leaves identical
 * service_call_5m rows (sketches, samples and Kafka locators included), identical topo_edge_time
 * intervals and the same live graph, in two separate databases. From its second minute on the
 * input carries copies of messages an hour behind the stream: their halves are past their wait
 * on arrival and their calls past the allowed lateness, so the clean run dead-letters them, and
 * the restored run re-reads some of them before any watermark has reached its operators, where a
 * lateness or a pairing deadline that did not survive the restore would pair halves the clean run
 * gave up on, reopen complete buckets and lower the start of intervals already written.
 */
class EdgesExactlyOnceTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void edgeRowsAfterAnInjectedFailureEqualRowsOfACleanRun(String backend, @TempDir Path tmp) throws Exception {
        String topic = "otlp_spans_" + backend;
        String deadLetters = "otlp_deadletter_" + backend;
        // one partition per source subtask (see LateRecords)
        SERVICES.kafka().createTopics(2, topic, deadLetters);
        long start = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
        SERVICES.kafka().send(withLateCopies(topic, EdgesEndToEndTest.traffic(start, "default", 12), start + 90_000));

        try (PostgresServer clean = PostgresServer.start(); PostgresServer failing = PostgresServer.start()) {
            // run 1: no failure, as slow as the failing run, so periodic watermarks keep up with the reading in both
            EdgesEndToEndTest.runEdges(options(clean, topic, deadLetters, backend, "clean"), new Throttle<>());
            List<String> calls = Pipelines.rows(clean, EdgesEndToEndTest.CALL_ROWS);
            List<String> topology = Pipelines.rows(clean, EdgesEndToEndTest.TOPO_ROWS);
            List<String> live = Pipelines.rows(clean, EdgesEndToEndTest.LIVE_ROWS);
            assertThat(calls).hasSizeGreaterThan(40);
            assertThat(topology).hasSizeGreaterThan(20);
            assertThat(live).hasSizeGreaterThan(10);
            List<ConsumerRecord<byte[], byte[]>> late = RedEndToEndTest.readAll(SERVICES.kafka().bootstrapServers(), deadLetters, 1);
            assertThat(late).as("the clean run dead-lettered the late calls")
                    .anySatisfy(r -> assertThat(RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_REASON)).startsWith("late edge: "));

            // run 2: fails once in the middle, restarts from the last checkpoint
            Path marker = tmp.resolve("failed-once");
            EdgesEndToEndTest.runEdges(options(failing, topic, deadLetters, backend, "failing"), new FailOnce<>(marker, 3_000, true));
            assertThat(Files.exists(marker)).as("the failure was injected").isTrue();

            assertThat(Pipelines.rows(failing, EdgesEndToEndTest.CALL_ROWS)).containsExactlyElementsOf(calls);
            assertThat(Pipelines.rows(failing, EdgesEndToEndTest.TOPO_ROWS)).containsExactlyElementsOf(topology);
            assertThat(Pipelines.rows(failing, EdgesEndToEndTest.LIVE_ROWS)).containsExactlyElementsOf(live);
        }
    }

    /**
     * The messages in {@link EdgesEndToEndTest#outOfOrder} order, round-robin over two partitions,
     * and after every third one from {@code fromMillis} on a copy moved an hour back on the same
     * partition (see {@link LateRecords}).
     *
     * <p>Only two kinds of records, so that every run must draw the same edges: originals on time
     * on their partition, and copies so far behind that any run that has seen a watermark gives
     * up on them. Checked here: a record in between (behind its partition's watermark, but not by
     * much) pairs or not depending on how far the other partition has been read when it reaches
     * the pairing, which a failure-free and a restored run need not share.
     */
    static List<ProducerRecord<byte[], byte[]>> withLateCopies(String topic, List<EdgesEndToEndTest.Msg> msgs, long fromMillis)
            throws Exception {
        List<EdgesEndToEndTest.Msg> ordered = EdgesEndToEndTest.outOfOrder(msgs);
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        List<Boolean> copy = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            EdgesEndToEndTest.Msg m = ordered.get(i);
            recs.add(new ProducerRecord<>(topic, i % 2, m.timeMillis(), null, m.value()));
            copy.add(false);
            if (i % 3 == 2 && m.timeMillis() >= fromMillis) {
                recs.add(new ProducerRecord<>(topic, i % 2, m.timeMillis(), null,
                        LateRecords.shiftedTraces(m.value(), Duration.ofHours(1).toMillis())));
                copy.add(true);
            }
        }
        int[] late = PartitionLateness.lateSpans(recs, EdgesEndToEndTest.OUT_OF_ORDERNESS);
        for (int i = 0; i < recs.size(); i++) {
            if (copy.get(i)) {
                assertThat(late[i]).as("late spans of copy %d", i).isPositive();
            } else {
                assertThat(late[i]).as("late spans of message %d (partition %d, %s)", i, recs.get(i).partition(),
                        Instant.ofEpochMilli(recs.get(i).timestamp())).isZero();
            }
        }
        return recs;
    }

    private static JobOptions options(PostgresServer pg, String topic, String deadLetters, String backend, String group) {
        return Pipelines.options(SERVICES.kafka(), pg, JobOptions.GROUP_ID, group + "-" + backend, JobOptions.SPANS_TOPIC, topic,
                JobOptions.DEAD_LETTER_TOPIC, deadLetters, JobOptions.STATE_BACKEND, backend);
    }
}
