package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.config.JobOptions;
import org.rocksdb.CompressionType;

/** The soak's small parts: the probe protocol, task-to-pipeline names, options, generators. */
class SoakPiecesTest {
    @Test
    void probeLinesRoundTripAndOtherLinesAreNotProbes() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("id", "7");
        v.put("job", "RUNNING");
        String line = new ProbeLine("sample", v).format();
        assertThat(line).isEqualTo("soak-probe sample id=7 job=RUNNING");
        ProbeLine p = ProbeLine.parse(line);
        assertThat(p.kind()).isEqualTo("sample");
        assertThat(p.getLong("id")).isEqualTo(7);
        assertThat(p.getLong("missing")).isEqualTo(0);
        assertThat(ProbeLine.parse("18:00:01 WARN something")).isNull();
    }

    @Test
    void namesThePipelineOfATaskByItsFirstOperatorWithOne() {
        assertThat(SoakTaskManager.pipelineOf("Source: spans-source -> spans-split-dead-letters")).isEqualTo("ingest");
        assertThat(SoakTaskManager.pipelineOf("Source: spans-source -> spans-split-dead-letters -> red-pre-aggregate")).isEqualTo("red");
        assertThat(SoakTaskManager.pipelineOf("edge-halves -> edge-between-services")).isEqualTo("edges");
        assertThat(SoakTaskManager.pipelineOf("log-pattern-5m -> log-pattern-5m-sink")).isEqualTo("logs");
        assertThat(SoakTaskManager.pipelineOf("metrics-cumulative-to-delta")).isEqualTo("metrics");
        assertThat(SoakTaskManager.pipelineOf("incident-detector -> event-envelope-sink")).isEqualTo("incidents");
    }

    @Test
    void theTaskManagerRunsRocksDbWithLevelsZeroAndOneUncompressedAsProductionDoes() {
        List<CompressionType> expected = List.of(CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION,
                CompressionType.SNAPPY_COMPRESSION);
        for (JobOptions o : List.of(JobOptions.defaults(), SoakSettings.parse(new String[0]).job)) {
            Configuration c = SoakTaskManager.configuration(o, "run");
            assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
            assertThat(c.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).isEqualTo(expected);
        }
    }

    @Test
    void defaultsAreTheIssuesTargetAndFindMaxStartsLow() {
        SoakSettings s = SoakSettings.parse(new String[0]);
        assertThat(s.rates).isEqualTo(new SoakLoad.Rates(100_000, 50_000, 20_000));
        assertThat(s.duration.toMinutes()).isEqualTo(10);
        assertThat(s.taskManagerHeapMb).isEqualTo(1024);
        assertThat(s.job.get("state-backend")).isEqualTo("rocksdb");
        assertThat(s.job.get("checkpoint-interval")).isEqualTo("10s");
        assertThat(s.warmup.toSeconds()).isEqualTo(60);
        SoakSettings f = SoakSettings.parse(new String[] {"--find-max", "--state-backend", "hashmap"});
        assertThat(f.findMax).isTrue();
        assertThat(f.rates).isEqualTo(new SoakLoad.Rates(5_000, 2_500, 1_000));
        assertThat(f.job.get("state-backend")).isEqualTo("hashmap");
        assertThat(SoakSettings.parse(new String[] {"--minutes", "0.4"}).warmup.toMillis()).isEqualTo(6_000);
    }

    @Test
    void findMaxRunsTheWholeStepsThatFitInTheMinutes() {
        assertThat(SoakSettings.parse(new String[] {"--find-max", "--minutes", "14", "--step-minutes", "2"}).findMaxSteps()).isEqualTo(7);
        assertThat(SoakSettings.parse(new String[] {"--find-max", "--minutes", "13", "--step-minutes", "2"}).findMaxSteps()).isEqualTo(6);
        assertThat(SoakSettings.parse(new String[] {"--find-max", "--minutes", "1", "--step-minutes", "2"}).findMaxSteps()).isEqualTo(1);
        assertThat(SoakSettings.parse(new String[] {"--find-max"}).findMaxSteps()).isEqualTo(15);
    }

    @Test
    void taskManagerJavaOptionsAreSplitOnSpacesAndMustBeOptions() {
        assertThat(SoakSettings.parse(new String[0]).taskManagerJavaOpts).isEmpty();
        SoakSettings s = SoakSettings.parse(new String[] {"--taskmanager-java-opts",
            " -XX:StartFlightRecording=filename=/tmp/tm.jfr,settings=profile   -XX:+UseParallelGC "});
        assertThat(s.taskManagerJavaOpts).containsExactly("-XX:StartFlightRecording=filename=/tmp/tm.jfr,settings=profile", "-XX:+UseParallelGC");
        assertThatThrownBy(() -> SoakSettings.parse(new String[] {"--taskmanager-java-opts", "-Xss1m oops"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--taskmanager-java-opts takes JVM options (each starting with -), got oops");
    }

    @Test
    void rejectsEveryBadOptionAtOnceByName() {
        assertThatThrownBy(() -> SoakSettings.parse(new String[] {"--spans-per-s", "-1", "--taskmanager-heap", "100", "--step-factor", "1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--spans-per-s must be >= 0, got -1; --taskmanager-heap (MB) must be at least 256, got 100; "
                        + "--step-factor must be > 1, got 1.0");
    }

    @Test
    void aMinuteAlignedStartStandsFiveSecondsBeforeABoundary() {
        assertThat(SoakCommand.alignedLead(120_000)).isEqualTo(55_000);
        assertThat(SoakCommand.alignedLead(175_000)).isEqualTo(0);
        assertThat(SoakCommand.alignedLead(176_000)).isEqualTo(59_000);
    }

    @Test
    void hostMetricsExportWholeHostsOfTwentyFivePoints() {
        SoakHostMetrics m = new SoakHostMetrics(1, 0);
        assertThat(SoakHostMetrics.hostsFor(20_000)).isEqualTo(8_000);
        assertThat(SoakHostMetrics.hostsFor(1)).isEqualTo(1);
        m.hosts(100);
        var batches = m.messages(24 * 25 + 10, 1_000);
        assertThat(batches).extracting(SoakBatch::records).containsExactly(500, 100);
        assertThat(m.messages(24, 1_000)).isEmpty();
    }

    @Test
    void logRecordsComeInRequestsOfAtMostFiveHundred() {
        var batches = new SoakLogRecords(1).messages(1_234, 1_000);
        assertThat(batches).extracting(SoakBatch::records).containsExactly(500, 500, 234);
    }
}
