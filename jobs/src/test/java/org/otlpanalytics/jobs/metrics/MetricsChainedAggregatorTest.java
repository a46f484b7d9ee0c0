package org.otlpanalytics.jobs.metrics;

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
import org.otlpanalytics.operators.limits.OverflowUseFilter;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;
import org.otlpanalytics.operators.metrics.MetricDeltaConverter;
import org.otlpanalytics.operators.metrics.MetricDeltaFolder;
import org.otlpanalytics.operators.metrics.MetricMinuteAggregator;
import org.otlpanalytics.operators.metrics.MetricMinuteSplitter;
import org.otlpanalytics.operators.metrics.MetricOptions;
import org.otlpanalytics.operators.metrics.MetricPointTypeInfo;
import org.otlpanalytics.operators.metrics.MetricPreAggregator;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.operators.metrics.UseRow;
import org.otlpanalytics.schemas.metrics.LabelsHash;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.schemas.metrics.Temporality;

/**
 * The metrics pipeline, whose kept resources are aggregated in the limit's task and whose overflow
 * resources by an aggregator of their own, writes the very rows of the wiring it replaced (the
 * oracle: the same conversion and limit, then every batch shuffled by its resource to one
 * aggregator), on both state backends. The input folds tenants and resources (limits 3 and 4 on 5
 * tenants of 8 hosts), so the overflow resources' minutes are made of batches from both limiter
 * subtasks; its cumulative, delta and gauge series cross minutes, and the CPU utilization gauges make
 * USE rows.
 */
class MetricsChainedAggregatorTest {
    private static final long T0 = 1_772_791_200_000L; // 2026-03-06T10:00:00Z, a minute start
    private static final int TENANTS = 5;
    private static final int HOSTS = 8;
    private static final int STEPS = 24; // every 10 s: 4 minutes

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void writesTheRowsOfOneAggregatorBehindAFullShuffle(String backend) throws Exception {
        List<MetricPoint> points = points();
        List<String> chained = run(backend, false, points);
        List<String> shuffled = run(backend, true, points);
        assertThat(chained).as("rows with the kept resources' aggregator chained").isEqualTo(shuffled);
        assertThat(chained).as("the overflow resources were aggregated")
                .anyMatch(r -> r.contains(" " + Overflow.SERVICE_URN + " "))
                .anyMatch(r -> r.startsWith("metric " + Overflow.TENANT + " "))
                .anyMatch(r -> r.startsWith("use "));
        assertThat(chained.stream().filter(r -> r.startsWith("metric ")).mapToLong(MetricsChainedAggregatorTest::points).sum())
                .as("every point counted once").isEqualTo(points.size());
    }

    private static long points(String metricRow) {
        int at = metricRow.indexOf("points=");
        return Long.parseLong(metricRow.substring(at + 7, metricRow.indexOf(' ', at)));
    }

    /** metric_1m and USE rows of one bounded run, as sorted text. */
    private static List<String> run(String backend, boolean oracle, List<MetricPoint> points) throws Exception {
        JobOptions o = JobOptions.defaults().with(JobOptions.LIMITS_MAX_TENANTS, "3")
                .with(JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, "4").with(JobOptions.STATE_BACKEND, backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
        Environments.configure(env, o);
        env.setParallelism(2);
        MetricsJob.Settings s = MetricsJob.Settings.of(o);
        DataStream<MetricPoint> in = env.fromData(points, MetricPointTypeInfo.INSTANCE)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<MetricPoint>forBoundedOutOfOrderness(Duration.ofSeconds(2))
                        .withTimestampAssigner((p, t) -> p.timeMillis()))
                .rebalance();
        DataStream<MetricRow> rows;
        DataStream<UseRow> use;
        if (oracle) {
            // the wiring before: the limit, then one aggregator behind a shuffle by the resource
            MetricOptions options = s.options();
            SingleOutputStreamOperator<MetricBatch> minutes = in
                    .transform("metrics-preaggregate", MetricBatchSerializer.TYPE,
                            new MetricPreAggregator(options, MetricPreAggregator.DEFAULT_MAX_ENTRIES))
                    .uid("metrics-preaggregate")
                    .keyBy(MetricBatch::resourceKey)
                    .transform("metrics-cumulative-to-delta", MetricBatchSerializer.TYPE, new MetricDeltaConverter(options))
                    .uid("metrics-delta-converter")
                    .transform("metrics-fold-deltas", MetricBatchSerializer.TYPE, new MetricDeltaFolder(options))
                    .uid("metrics-delta-folder")
                    .transform("metric-minute-splitter", MetricBatchSerializer.TYPE,
                            new MetricMinuteSplitter(options.allowedLatenessMillis()))
                    .uid("metric-minute-splitter");
            SingleOutputStreamOperator<MetricRow> aggregated = Limiters.metrics(minutes, s.limits(), options.allowedLatenessMillis())
                    .keyBy(MetricBatch::resourceKey)
                    .transform("metric-1m-and-use", TypeInformation.of(MetricRow.class),
                            new HorizonKeyedProcessOperator<>(new MetricMinuteAggregator(options)))
                    .uid("metric-minute-aggregator");
            rows = aggregated;
            // the job's filter, not the aggregator's: no USE row for the overflow resource
            use = aggregated.getSideOutput(MetricMinuteAggregator.USE_ROWS).filter(new OverflowUseFilter(Limiters.METRIC_RESOURCES));
        } else {
            MetricsOutputs out = MetricsJob.buildPipeline(in, s);
            rows = out.metrics();
            use = out.use();
        }
        DataStream<String> text = rows.map(MetricsChainedAggregatorTest::text).returns(Types.STRING)
                .union(use.map(MetricsChainedAggregatorTest::text).returns(Types.STRING));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = text.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        out.sort(null);
        return out;
    }

    private static String text(MetricRow r) {
        return "metric " + r.tenant + " " + r.resourceUrn + " " + r.bucketStartMillis + " " + r.metric + " " + r.labelsJson() + " "
                + r.kind + " points=" + r.points + " avg=" + r.avg + " min=" + r.min + " max=" + r.max + " p95=" + r.p95
                + " last=" + r.last + " total=" + r.total + " rate=" + r.rate + " count=" + r.count + " sum=" + r.sum
                + " kll=" + Arrays.toString(r.kll) + " service=" + r.serviceUrn + " " + r.serviceName + " " + r.serviceNamespace
                + " range=" + Arrays.toString(r.kafkaRange.from) + Arrays.toString(r.kafkaRange.to) + r.kafkaRange.timeFromMillis
                + "-" + r.kafkaRange.timeToMillis;
    }

    private static String text(UseRow u) {
        return "use " + u;
    }

    /**
     * 5 tenants of 8 hosts, each reporting every 10 s a cumulative request counter (two label sets),
     * a delta byte counter, a queue gauge and the CPU utilization of two CPUs, in a shuffled order within
     * each second's exports (so batches reach the limit in a different order on each run).
     */
    static List<MetricPoint> points() {
        Random random = new Random(7);
        List<MetricPoint> points = new ArrayList<>();
        long offset = 0;
        double[][][] counters = new double[TENANTS][HOSTS][2];
        for (int step = 0; step < STEPS; step++) {
            long time = T0 + step * 10_000L + 1_000;
            List<MetricPoint> export = new ArrayList<>();
            for (int t = 0; t < TENANTS; t++) {
                for (int h = 0; h < HOSTS; h++) {
                    for (int m = 0; m < 2; m++) {
                        counters[t][h][m] += random.nextInt(100);
                        export.add(point(t, h, "http.server.requests", MetricType.SUM, Temporality.CUMULATIVE, time,
                                counters[t][h][m], "method", m == 0 ? "GET" : "POST"));
                    }
                    export.add(point(t, h, "http.server.bytes", MetricType.SUM, Temporality.DELTA, time,
                            random.nextInt(5000), "route", "/items"));
                    export.add(point(t, h, "queue.depth", MetricType.GAUGE, Temporality.NONE, time, random.nextInt(40),
                            "queue", "q" + (h % 3)));
                    for (int cpu = 0; cpu < 2; cpu++) {
                        export.add(point(t, h, "system.cpu.utilization", MetricType.GAUGE, Temporality.NONE, time,
                                random.nextDouble(), "cpu", "cpu" + cpu));
                    }
                }
            }
            java.util.Collections.shuffle(export, random);
            for (MetricPoint p : export) {
                p.kafkaPartition = (int) (offset % 2);
                p.kafkaOffset = offset / 2;
                offset++;
                points.add(p);
            }
        }
        return points;
    }

    private static MetricPoint point(int tenant, int host, String name, MetricType type, Temporality temporality, long timeMillis,
            double value, String labelKey, String labelValue) {
        MetricPoint p = new MetricPoint();
        p.tenant = "t" + tenant;
        p.hostName = "host-" + host;
        p.serviceName = "node";
        p.serviceNamespace = "infra";
        p.serviceUrn = "urn:svc:infra/node";
        p.resourceUrn = "urn:host:host-" + host;
        p.name = name;
        p.unit = "1";
        p.type = type;
        p.temporality = temporality;
        p.monotonic = type == MetricType.SUM;
        p.attributeKeys = new String[] {labelKey};
        p.attributeValues = new String[] {labelValue};
        p.labelsHash = LabelsHash.of(p.attributeKeys, p.attributeValues);
        p.startTimeNanos = temporality == Temporality.CUMULATIVE ? T0 * 1_000_000L
                : temporality == Temporality.DELTA ? (timeMillis - 10_000L) * 1_000_000L : 0;
        p.timeNanos = timeMillis * 1_000_000L;
        p.value = value;
        return p;
    }
}
