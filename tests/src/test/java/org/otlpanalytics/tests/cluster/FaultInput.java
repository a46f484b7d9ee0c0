package org.otlpanalytics.tests.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;

/**
 * The input of the fault-tolerance tests: traces, logs and metrics of the generator's shop for two
 * tenants, with undecodable messages among them, as deterministic Kafka records (topic,
 * partition, timestamp, bytes). Every run of a test writes the same records in the same order,
 * so every topic partition holds the same offsets, and one failure-free run is the reference for
 * all.
 *
 * <p>Nothing in it is ever late: messages are in event-time order per partition (a span ends at
 * most about a second after its message's timestamp, far inside the 30 s out-of-orderness), so
 * which records a window gets cannot depend on how the reading was timed, restarted or rescaled.
 */
public final class FaultInput {
    public static final String SPANS = "otlp_spans";
    public static final String LOGS = "otlp_logs";
    public static final String METRICS = "otlp_metrics";
    public static final List<String> TOPICS = List.of(SPANS, LOGS, METRICS);
    /** Partitions per topic: as many as the largest parallelism the rescale test uses. */
    public static final int PARTITIONS = 3;
    /** After this many messages of a topic comes one that cannot be decoded. */
    static final int MALFORMED_EVERY = 97;

    private final long startMillis;
    private final long durationMillis;
    private final List<ProducerRecord<byte[], byte[]>> records;
    private final Set<ProducerRecord<byte[], byte[]>> malformed;

    private FaultInput(long startMillis, long durationMillis, List<ProducerRecord<byte[], byte[]>> records,
            Set<ProducerRecord<byte[], byte[]>> malformed) {
        this.startMillis = startMillis;
        this.durationMillis = durationMillis;
        this.records = records;
        this.malformed = malformed;
    }

    /**
     * {@code duration} of event time from {@code startMillis}, {@code tracesPerSecond} user
     * requests per second and tenant; the same arguments give the same records.
     */
    public static FaultInput generate(long startMillis, Duration duration, double tracesPerSecond) {
        return generate(startMillis, duration, tracesPerSecond, 0.5, 0.75);
    }

    /**
     * As {@link #generate(long, Duration, double)}, with the default tenant's payment incident
     * from {@code incidentFrom} to {@code incidentTo} of the duration (shares, 0..1).
     */
    public static FaultInput generate(long startMillis, Duration duration, double tracesPerSecond, double incidentFrom,
            double incidentTo) {
        List<TelemetryGenerator.Message> msgs = new ArrayList<>();
        msgs.addAll(new TelemetryGenerator(101, "default").incident(startMillis + (long) (duration.toMillis() * incidentFrom),
                startMillis + (long) (duration.toMillis() * incidentTo)).generate(startMillis, duration.toMillis(), tracesPerSecond));
        msgs.addAll(new TelemetryGenerator(202, "acme").generate(startMillis, duration.toMillis(), tracesPerSecond));
        // in time order, as live senders write them (a stable sort: ties keep the generators' order)
        msgs.sort(Comparator.comparingLong(m -> m.timeMillis));
        Map<String, Integer> counts = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Set<ProducerRecord<byte[], byte[]>> bad = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TelemetryGenerator.Message m : msgs) {
            String topic = topic(m.signal);
            int n = counts.merge(topic, 1, Integer::sum);
            out.add(new ProducerRecord<>(topic, n % PARTITIONS, m.timeMillis, null, m.value));
            if (n % MALFORMED_EVERY == 0) {
                // alternately text that is no protobuf, and a real message cut in half
                byte[] bytes = (n / MALFORMED_EVERY) % 2 == 0
                        ? ("not an OTLP message #" + n).getBytes(StandardCharsets.UTF_8)
                        : Arrays.copyOf(m.value, m.value.length / 2);
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, (n + 1) % PARTITIONS, m.timeMillis, null, bytes);
                out.add(r);
                bad.add(r);
            }
        }
        return new FaultInput(startMillis, duration.toMillis(), List.copyOf(out), bad);
    }

    static String topic(String signal) {
        switch (signal) {
            case "traces":
                return SPANS;
            case "logs":
                return LOGS;
            case "metrics":
                return METRICS;
            default:
                throw new IllegalArgumentException(signal);
        }
    }

    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    public long startMillis() {
        return startMillis;
    }

    public long durationMillis() {
        return durationMillis;
    }

    /** True for the undecodable records this input mixes in. */
    public boolean isMalformed(ProducerRecord<byte[], byte[]> record) {
        return malformed.contains(record);
    }

    /**
     * Where every undecodable record lands once the input is written in order: {@code
     * "<topic>|<partition>|<offset>"}, the origin its dead letter names (an oracle independent of any run).
     */
    public Set<String> malformedOrigins() {
        Set<String> out = new java.util.TreeSet<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            long offset = next.merge(new TopicPartition(r.topic(), r.partition()), 1L, Long::sum) - 1;
            if (isMalformed(r)) {
                out.add(r.topic() + "|" + r.partition() + "|" + offset);
            }
        }
        return out;
    }

    /**
     * The {@code dead_letter_1m} counts the undecodable records make, in {@code DeadLetterOracle}'s
     * row form {@code "<minute millis> <topic> ingest undecodable"}: each counted in the minute of its Kafka timestamp.
     */
    public Map<String, Long> malformedPerMinute() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            if (isMalformed(r)) {
                out.merge(Math.floorDiv(r.timestamp(), 60_000L) * 60_000L + " " + r.topic() + " ingest undecodable", 1L, Long::sum);
            }
        }
        return out;
    }

    /** The records of one topic partition, in offset order (the record at index i has offset i). */
    public List<ProducerRecord<byte[], byte[]>> partition(String topic, int partition) {
        return records.stream().filter(r -> r.topic().equals(topic) && r.partition() == partition).toList();
    }

    /** How many records each partition holds once everything is written (its end offset). */
    public Map<TopicPartition, Long> endOffsets() {
        Map<TopicPartition, Long> m = new HashMap<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            m.merge(new TopicPartition(r.topic(), r.partition()), 1L, Long::sum);
        }
        return m;
    }
}
