package org.otlpanalytics.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompressionType;

class EnvironmentsTest {
    @Test
    void aJobOnRocksDbLeavesLevelsZeroAndOneUncompressedAsTheProductionFileDoes() {
        List<CompressionType> expected = List.of(CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION,
                CompressionType.SNAPPY_COMPRESSION);
        Configuration rocks = Environments.configuration(JobOptions.defaults().with(JobOptions.STATE_BACKEND, "rocksdb"));
        assertThat(rocks.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).isEqualTo(expected);
        Configuration heap = Environments.configuration(JobOptions.defaults().with(JobOptions.STATE_BACKEND, "hashmap"));
        assertThat(heap.contains(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).isFalse();
        Configuration production = GlobalConfiguration.loadConfiguration(Path.of("..", "flink-conf").toAbsolutePath().toString());
        assertThat(production.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).isEqualTo(expected);
    }

    @Test
    void unalignedCheckpointsBringInterruptibleTimersIntoTheJobsConfigurationAndAreOffByDefault() {
        StreamExecutionEnvironment on = Environments.configure(new StreamExecutionEnvironment(),
                JobOptions.defaults().with(JobOptions.UNALIGNED_CHECKPOINTS, "true"));
        on.fromData(1, 2).print();
        Configuration job = on.getStreamGraph().getJobConfiguration();
        // what a task reads (StreamTask.getJobConfiguration) to let an operator's timers be interrupted
        assertThat(CheckpointingOptions.isUnalignedCheckpointInterruptibleTimersEnabled(job)).isTrue();
        assertThat(on.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isTrue();
        StreamExecutionEnvironment off = Environments.configure(new StreamExecutionEnvironment(), JobOptions.defaults());
        off.fromData(1, 2).print();
        assertThat(CheckpointingOptions.isUnalignedCheckpointInterruptibleTimersEnabled(off.getStreamGraph().getJobConfiguration()))
                .isFalse();
        assertThat(off.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isFalse();
    }

    @Test
    void theJobKeepsTheClustersRestartStrategyUnlessOneIsGiven() {
        Configuration c = Environments.configuration(JobOptions.defaults());
        assertThat(c.contains(RestartStrategyOptions.RESTART_STRATEGY)).isFalse();
        assertThat(c.keySet()).noneMatch(k -> k.startsWith(RestartStrategyOptions.RESTART_STRATEGY_CONFIG_PREFIX));
    }

    @Test
    void anExplicitRestartStrategyIsSetForTheJob() {
        Configuration fixed = Environments.configuration(JobOptions.defaults().with(JobOptions.RESTART_STRATEGY, "fixed-delay:3:5s"));
        assertThat(fixed.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(fixed.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(3);
        assertThat(fixed.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY)).isEqualTo(Duration.ofSeconds(5));
        Configuration exp = Environments.configuration(JobOptions.defaults().with(JobOptions.RESTART_STRATEGY, "exponential-delay:2m"));
        assertThat(exp.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(exp.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Environments.configuration(JobOptions.defaults().with(JobOptions.RESTART_STRATEGY, "none"))
                .get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
    }

    @Test
    void localCommandsRetryAFewTimesThenStopUnlessToldOtherwise() {
        JobOptions local = Environments.withLocalDefaults(JobOptions.defaults());
        assertThat(local.get(JobOptions.RESTART_STRATEGY)).isEqualTo(Environments.LOCAL_RESTART_STRATEGY);
        assertThat(Environments.configuration(local).get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(10);
        assertThat(local.get(JobOptions.CHECKPOINT_DIR)).isNotBlank();
        assertThat(Environments.withLocalDefaults(JobOptions.defaults().with(JobOptions.RESTART_STRATEGY, "none"))
                .get(JobOptions.RESTART_STRATEGY)).isEqualTo("none");
    }

    @Test
    void rejectsAnUnknownStrategyNamingTheOption() {
        assertThatThrownBy(() -> Environments.configuration(JobOptions.defaults().with(JobOptions.RESTART_STRATEGY, "forever")))
                .hasMessageContaining("--restart-strategy").hasMessageContaining("forever");
        assertThatThrownBy(() -> Environments.configuration(JobOptions.defaults().with(JobOptions.RESTART_STRATEGY, "fixed-delay:x")))
                .hasMessageContaining("--restart-strategy");
    }

    @Test
    void batchModeTurnsOffTheAdaptiveBatchSchedulersOwnParallelismStreamingLeavesIt() {
        StreamExecutionEnvironment batch = Environments.configure(new StreamExecutionEnvironment(),
                JobOptions.defaults().with(JobOptions.MODE, "batch").with(JobOptions.PARALLELISM, "3"));
        assertThat(batch.getConfiguration().get(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED)).isFalse();
        assertThat(batch.getParallelism()).isEqualTo(3);
        StreamExecutionEnvironment streaming = Environments.configure(new StreamExecutionEnvironment(),
                JobOptions.defaults().with(JobOptions.MODE, "streaming"));
        assertThat(streaming.getConfiguration().getOptional(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED)).isEmpty();
    }

    @Test
    void streamingSendsPartlyFilledBuffersAfterTheBufferTimeoutOfOneSecondByDefault() {
        StreamExecutionEnvironment byDefault = Environments.configure(new StreamExecutionEnvironment(), JobOptions.defaults());
        assertThat(byDefault.getBufferTimeout()).isEqualTo(1000L);
        StreamExecutionEnvironment given = Environments.configure(new StreamExecutionEnvironment(),
                JobOptions.defaults().with(JobOptions.BUFFER_TIMEOUT, "250ms"));
        assertThat(given.getBufferTimeout()).isEqualTo(250L);
        // the environment's own default is Flink's 100 ms: the job's setting is what changed it
        assertThat(new StreamExecutionEnvironment().getBufferTimeout()).isEqualTo(100L);
    }

    @Test
    void aBufferTimeoutBelowOneMillisecondIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> Environments.configure(new StreamExecutionEnvironment(),
                JobOptions.defaults().with(JobOptions.BUFFER_TIMEOUT, "0ms")))
                .hasMessageContaining("--buffer-timeout").hasMessageContaining("0ms");
        assertThatThrownBy(() -> Environments.configure(new StreamExecutionEnvironment(),
                JobOptions.defaults().with(JobOptions.BUFFER_TIMEOUT, "soon")))
                .hasMessageContaining("--buffer-timeout");
    }

    @Test
    void theBufferTimeoutReachesEveryNodeOfTheStreamGraph() {
        StreamExecutionEnvironment env = Environments.configure(new StreamExecutionEnvironment(), JobOptions.defaults());
        env.fromData(1, 2, 3).keyBy(i -> i % 2).map(i -> i + 1).returns(Integer.class).print();
        org.apache.flink.streaming.api.graph.StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes()).isNotEmpty().allSatisfy(n -> assertThat(n.getBufferTimeout()).isEqualTo(1000L));
    }
}
