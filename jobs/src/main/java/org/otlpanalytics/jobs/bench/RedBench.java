package org.otlpanalytics.jobs.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.jobs.ingest.IngestOptions;
import org.otlpanalytics.jobs.red.RedJob;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.RedRowMapper;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * {@code bench}: one data set in a real (embedded) Kafka topic, read three times by bounded jobs
 * on a local MiniCluster: decode only, decode + RED, decode + RED + PostgreSQL. Prints
 * {@code name=value} lines: spans/s of each and their ratio to decode-only (the machine-noise-free
 * figure), and the peak heap of the process (broker and database client included).
 */
public final class RedBench {
    static final String SPANS = "spans";
    static final int ROUNDS = 3;

    private RedBench() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, SPANS);
        long target = given.get(SPANS) == null ? 2_000_000L : Long.parseLong(given.get(SPANS));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); PostgresServer pg = PostgresServer.start()) {
            int partitions = given.getInt(JobOptions.PARALLELISM);
            String topic = "bench_spans";
            kafka.createTopics(partitions, topic, "bench_deadletter");
            long spans = load(kafka, topic, partitions, target);
            System.out.println("bench_spans=" + spans);
            JobOptions o = given.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers()).with(JobOptions.JDBC_URL, pg.jdbcUrl())
                    .with(JobOptions.BOUNDED, "true").with(JobOptions.STARTING_OFFSETS, "earliest")
                    .with(JobOptions.SPANS_TOPIC, topic).with(JobOptions.DEAD_LETTER_TOPIC, "bench_deadletter")
                    .with(JobOptions.CHECKPOINT_INTERVAL, "10s");
            PostgresSinkConfig pgc = PostgresSinkConfig.builder().jdbcUrl(pg.jdbcUrl()).batchSize(2000).build();
            SchemaMigrator.migrate(pgc);
            // warm-up (JIT, page cache), then the best of ROUNDS interleaved runs of each variant
            run(o, 0, pgc);
            run(o, 1, pgc);
            HeapPeaks.reset();
            double decode = 0;
            double red = 0;
            double redPg = 0;
            for (int round = 0; round < ROUNDS; round++) {
                decode = Math.max(decode, spans / run(o, 0, pgc));
                red = Math.max(red, spans / run(o, 1, pgc));
                redPg = Math.max(redPg, spans / run(o, 2, pgc));
            }
            System.out.printf("decode_spans_per_s=%.0f%n", decode);
            System.out.printf("red_spans_per_s=%.0f%n", red);
            System.out.printf("red_pg_spans_per_s=%.0f%n", redPg);
            System.out.printf("red_vs_decode_ratio=%.2f%n", red / decode);
            System.out.printf("red_pg_vs_decode_ratio=%.2f%n", redPg / decode);
            System.out.printf("peak_heap_mb=%.0f%n", HeapPeaks.peakBytes() / 1048576.0);
        }
    }

    /** Generates shop traffic until {@code target} spans are in the topic; returns the exact span count. */
    static long load(EmbeddedKafka kafka, String topic, int partitions, long target) throws Exception {
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        long spans = 0;
        int i = 0;
        SpanDecoder counter = new SpanDecoder(org.otlpanalytics.schemas.Encoding.OTLP_PROTO);
        List<SpanRecord> scratch = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            TelemetryGenerator g = new TelemetryGenerator(1, "default").withLogs(false).withMetrics(false)
                    .incident(start + 300_000, start + 360_000);
            long t = start;
            while (spans < target) {
                for (TelemetryGenerator.Message m : g.generate(t, 60_000, 400)) {
                    p.send(new ProducerRecord<>(topic, i++ % partitions, null, m.value));
                    scratch.clear();
                    spans += counter.decode(m.value, 0, 0, scratch);
                }
                t += 60_000;
            }
            p.flush();
        }
        return spans;
    }

    /** Runs one variant to the end of the topic; returns seconds of job runtime. */
    static double run(JobOptions o, int variant, PostgresSinkConfig pgc) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
        Environments.configure(env, o);
        String topic = o.require(JobOptions.SPANS_TOPIC);
        IngestOptions in = IngestOptions.of(o).withGroupIdPrefix("bench-" + variant + "-" + System.nanoTime());
        DataStream<SpanRecord> spans = IngestStage.fromKafka(env, in, topic, new SpanDecoder(in.encoding()), SpanRecord.class,
                TypeInformation.of(SpanRecord.class), "spans", "spans").records();
        if (variant == 0) {
            spans.sinkTo(new DiscardingSink<>()).name("discard");
        } else if (variant == 1) {
            RedJob.buildPipeline(spans, RedJob.Settings.of(o)).rows().sinkTo(new DiscardingSink<>()).name("discard");
        } else {
            RedJob.buildPipeline(spans, RedJob.Settings.of(o)).rows()
                    .sinkTo(new PostgresUpsertSink<>(pgc, new RedRowMapper(topic))).name("red-1m-sink");
        }
        JobExecutionResult r = env.execute("bench variant " + variant);
        return r.getNetRuntime() / 1000.0;
    }
}
