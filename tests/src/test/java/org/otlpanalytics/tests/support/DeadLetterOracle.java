package org.otlpanalytics.tests.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;

/**
 * The rows {@code dead_letter_1m} must hold, taken from the dead-letter topic itself: every dead
 * letter counted under its minute (the Kafka timestamp, which is the dead letter's time), input
 * topic, the stage that wrote it and its kind. Rows are {@code "<minute millis> <topic> <stage> <kind>"}.
 * The dead-letter sink is at least once: after a restart, count {@link #distinctOrigins} (input
 * where a Kafka record yields at most one dead letter), or compare with a failure-free run.
 */
public final class DeadLetterOracle {

    private DeadLetterOracle() {}

    /** Row → count of every dead letter of {@code topic}, repeats included (a run without failure has none). */
    public static Map<String, Long> expected(String bootstrapServers, String topic) {
        return count(bootstrapServers, topic, false);
    }

    /**
     * Row → count of the dead letters of {@code topic} with distinct reason, input topic, partition
     * and offset: exact after a replay when each input record yields at most one dead letter
     * (undecodable messages; not a trace message with several late spans).
     */
    public static Map<String, Long> distinctOrigins(String bootstrapServers, String topic) {
        return count(bootstrapServers, topic, true);
    }

    private static Map<String, Long> count(String bootstrapServers, String topic, boolean distinct) {
        Map<String, Long> out = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> d : TopicReader.readToEnd(bootstrapServers, topic)) {
            String id = TopicReader.header(d, DeadLetterSerializer.HEADER_REASON) + "|"
                    + TopicReader.header(d, DeadLetterSerializer.HEADER_TOPIC) + "|"
                    + TopicReader.header(d, DeadLetterSerializer.HEADER_PARTITION) + "|"
                    + TopicReader.header(d, DeadLetterSerializer.HEADER_OFFSET);
            if (!distinct || seen.add(id)) {
                out.merge(rowOf(d.timestamp(), TopicReader.header(d, DeadLetterSerializer.HEADER_TOPIC),
                        TopicReader.header(d, DeadLetterSerializer.HEADER_REASON)), 1L, Long::sum);
            }
        }
        return out;
    }

    /** Row → {@code dead_letters} of every row of {@code dead_letter_1m} in the database at {@code jdbcUrl}. */
    public static Map<String, Long> counted(String jdbcUrl) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (extract(epoch FROM bucket) * 1000)::bigint, source_topic, stage, kind, "
                        + "dead_letters FROM dead_letter_1m")) {
            while (rs.next()) {
                out.put(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4), rs.getLong(5));
            }
        }
        return out;
    }

    /**
     * The row counting a dead letter of {@code timestampMillis} from input {@code topic} with
     * {@code reason}: late ones by the pipeline that found them ({@code late edge: } from edges,
     * other late spans from RED, late logs from logs, late metric points from metrics: the input
     * topics' names start with {@code otlp_spans}, {@code otlp_logs}, {@code otlp_metrics}), future
     * and undecodable ones by {@code ingest}.
     */
    static String rowOf(long timestampMillis, String topic, String reason) {
        String stage;
        String kind;
        if (reason.startsWith("late edge: ")) {
            stage = "edges";
            kind = "late";
        } else if (reason.startsWith("late")) {
            stage = topic.startsWith("otlp_spans") ? "red" : topic.startsWith("otlp_logs") ? "logs" : "metrics";
            kind = "late";
        } else if (reason.startsWith("future: ")) {
            stage = "ingest";
            kind = "future";
        } else {
            stage = "ingest";
            kind = "undecodable";
        }
        return Math.floorDiv(timestampMillis, 60_000L) * 60_000L + " " + topic + " " + stage + " " + kind;
    }
}
