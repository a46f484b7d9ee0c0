package org.otlpanalytics.jobs.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.limits.Overflow;
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.operators.logs.LogPatternAggregator;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.LogPatternRow;
import org.otlpanalytics.operators.logs.LogPatternWindowRow;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The logs pipeline, whose kept records reach their fingerprinter in the limit's task and whose
 * overflow streams are mined by a fingerprinter of their own, writes the very rows of the wiring it
 * replaced (the oracle: the same limit, then every record shuffled by its stream's key to one
 * fingerprinter, then the same pattern limit and 5-minute counts), on both state backends: each
 * Drain tree, the overflow streams' included, saw the same records. The input folds tenants and
 * services (limits 3 and 4 on 5 tenants of 7 services), and its bodies make order-sensitive
 * templates, so a tree fed other records, or in another order, names patterns differently.
 */
class LogsChainedFingerprinterTest {
    private static final long T0 = 1_772_791_200_000L; // 2026-03-06T10:00:00Z, a 5-minute window start
    private static final int RECORDS = 6_000;

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void writesTheRowsOfOneFingerprinterBehindAFullShuffle(String backend) throws Exception {
        List<LogRecordFlat> logs = logs();
        List<String> chained = run(backend, false, logs);
        List<String> shuffled = run(backend, true, logs);
        assertThat(chained).as("rows with the fingerprinter chained").isEqualTo(shuffled);
        assertThat(chained).as("the overflow streams were mined").anyMatch(r -> r.contains(Overflow.SERVICE_URN))
                .anyMatch(r -> r.contains(" " + Overflow.TENANT + " "));
        assertThat(chained.stream().filter(r -> r.startsWith("window")).mapToLong(LogsChainedFingerprinterTest::total).sum())
                .as("every record counted once").isEqualTo(RECORDS);
    }

    private static long total(String windowRow) {
        int at = windowRow.indexOf("total=");
        return Long.parseLong(windowRow.substring(at + 6, windowRow.indexOf(' ', at)));
    }

    /** Windows and dictionary rows of one bounded run, as sorted text. */
    private static List<String> run(String backend, boolean oracle, List<LogRecordFlat> logs) throws Exception {
        JobOptions o = JobOptions.defaults().with(JobOptions.LIMITS_MAX_TENANTS, "3")
                .with(JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, "4").with(JobOptions.STATE_BACKEND, backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
        Environments.configure(env, o);
        env.setParallelism(2);
        LogsJob.Settings s = LogsJob.Settings.of(o);
        DataStream<LogRecordFlat> in = env.fromData(logs, LogRecordFlatSerializer.TYPE)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<LogRecordFlat>forBoundedOutOfOrderness(Duration.ofSeconds(2))
                        .withTimestampAssigner((r, t) -> r.timeMillis()))
                .rebalance();
        DataStream<LogPatternWindowRow> windows;
        DataStream<LogPatternRow> patterns;
        if (oracle) {
            // the wiring before: the limit, then one fingerprinter behind a shuffle by the stream's key
            SingleOutputStreamOperator<LogPatternPartial> partials = Limiters.logRecords(in, s.limits(),
                            s.options().allowedLatenessMillis())
                    .keyBy(LogFingerprinter::serviceKey, Types.STRING)
                    .transform("log-fingerprinter", TypeInformation.of(LogPatternPartial.class), new LogFingerprinter(s.options()))
                    .uid("log-fingerprinter");
            windows = Limiters.logPatterns(partials, s.limits(), s.options().allowedLatenessMillis())
                    .keyBy(LogPatternAggregator::seriesKey)
                    .transform("log-pattern-5m", TypeInformation.of(LogPatternWindowRow.class),
                            new HorizonKeyedProcessOperator<>(new LogPatternAggregator(s.options())))
                    .uid("log-pattern-aggregator");
            patterns = partials.getSideOutput(LogFingerprinter.PATTERNS);
        } else {
            LogsOutputs out = LogsJob.buildPipeline(in, s);
            windows = out.windows();
            // the over-limit rows (none here: the pattern limit is not reached) are not the fingerprinters'
            patterns = out.patterns();
        }
        DataStream<String> rows = windows.map(LogsChainedFingerprinterTest::text).returns(Types.STRING)
                .union(patterns.map(LogsChainedFingerprinterTest::text).returns(Types.STRING));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = rows.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        out.sort(null);
        return out;
    }

    private static String text(LogPatternWindowRow r) {
        return "window " + r.tenant + " " + r + " ";
    }

    private static String text(LogPatternRow r) {
        return "pattern " + r.tenant + " " + r + " sample='" + r.sample + "' at " + r.sampleOffset + " snapshot " + r.snapshotMillis
                + " aliases " + Arrays.toString(r.aliases);
    }

    /** 5 tenants of 7 services over 4 minutes, bodies of a few templates whose variable tokens move. */
    static List<LogRecordFlat> logs() {
        Random random = new Random(11);
        String[] verbs = {"started", "stopped", "failed", "retried"};
        List<LogRecordFlat> logs = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            int tenant = random.nextInt(5);
            int service = random.nextInt(7);
            String body = switch (random.nextInt(5)) {
                case 0 -> "Worker w" + random.nextInt(4) + " " + verbs[random.nextInt(4)] + " job " + random.nextInt(1000);
                case 1 -> "Connection to db-" + random.nextInt(3) + " timed out after " + random.nextInt(5000) + " ms";
                case 2 -> "User u" + random.nextInt(50) + " logged in from 10.0." + random.nextInt(9) + "." + random.nextInt(200);
                case 3 -> "GET /api/items/" + random.nextInt(100) + " returned " + (random.nextBoolean() ? "200" : "404");
                default -> "cache " + verbs[random.nextInt(4)] + " for key k" + random.nextInt(30) + " in region r" + random.nextInt(3);
            };
            LogRecordFlat r = new LogRecordFlat();
            r.tenant = "t" + tenant;
            r.serviceName = "s" + service;
            r.serviceNamespace = "shop";
            r.serviceUrn = "urn:svc:shop/s" + service;
            r.timeNanos = (T0 + i * 40L) * 1_000_000L;
            r.severityNumber = random.nextInt(10) == 0 ? 17 : 9;
            r.severityText = r.severityNumber >= 17 ? "ERROR" : "INFO";
            r.body = body;
            r.kafkaPartition = i % 2;
            r.kafkaOffset = i / 2;
            logs.add(r);
        }
        return logs;
    }
}
