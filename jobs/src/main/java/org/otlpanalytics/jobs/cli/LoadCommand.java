package org.otlpanalytics.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;

/**
 * {@code load --dir DIR --bootstrap-servers HOST:PORT}: writes captured OTLP payload files
 * ({@code DIR/traces}, {@code DIR/logs}, {@code DIR/metrics}; one raw Export*ServiceRequest body
 * per file, as an OTLP/HTTP exporter posts it) into the topics, in file-name order.
 */
public final class LoadCommand {
    public static final String DIR = "dir";

    private LoadCommand() {}

    public static void main(String[] args) throws Exception {
        JobOptions o = JobOptions.parse(args, DIR);
        Map<String, Integer> n = load(Path.of(o.require(DIR)), o.require(JobOptions.BOOTSTRAP), o);
        n.forEach((topic, count) -> System.out.println("loaded " + count + " messages into " + topic));
    }

    /** Sends every file; returns topic → messages sent. */
    public static Map<String, Integer> load(Path dir, String bootstrap, JobOptions o) throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--dir " + dir + " is not a directory");
        }
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("traces", o.require(JobOptions.SPANS_TOPIC));
        topics.put("logs", o.require(JobOptions.LOGS_TOPIC));
        topics.put("metrics", o.require(JobOptions.METRICS_TOPIC));
        Map<String, Integer> sent = new LinkedHashMap<>();
        boolean any = false;
        try (KafkaProducer<byte[], byte[]> p = EmbeddedKafka.producer(bootstrap)) {
            for (Map.Entry<String, String> e : topics.entrySet()) {
                Path sub = dir.resolve(e.getKey());
                if (!Files.isDirectory(sub)) {
                    continue;
                }
                any = true;
                int count = 0;
                for (Path f : files(sub)) {
                    p.send(new ProducerRecord<>(e.getValue(), Files.readAllBytes(f))).get();
                    count++;
                }
                sent.put(e.getValue(), count);
            }
            p.flush();
        }
        if (!any) {
            throw new IllegalArgumentException("--dir " + dir + " has none of the sub-folders traces/, logs/, metrics/");
        }
        return sent;
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().collect(Collectors.toList());
        }
    }
}
