package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * The delta converter in Flink's BATCH execution (as {@code --mode batch} backfills run it) gives the
 * deltas the STREAMING execution gives: a series idle for longer than the idle timeout is expired,
 * and its next point starts it afresh, in both. Batch execution drops the expiry-scan timers the
 * converter registers while a key's timers fire, so before the scans were run there
 * ({@code runScansBatchDropped}) a batch run gave one delta over the whole gap instead.
 */
class MetricDeltaConverterBatchTest {
    @Test
    void aSeriesIdleLongerThanTheTimeoutStartsAfreshInBatchAsInStreaming() throws Exception {
        List<MetricPoint> points = new ArrayList<>();
        long[][] timeAndValue = {{10, 100}, {20, 130}, {2_000, 500}, {2_010, 520}, {2_020, 550}}; // 1980 s idle > 15 min
        for (int i = 0; i < timeAndValue.length; i++) {
            MetricPoint p = Points.counter(-1000, timeAndValue[i][0], timeAndValue[i][1]);
            p.kafkaPartition = 0;
            p.kafkaOffset = i;
            points.add(p);
        }
        List<String> streaming = deltas(RuntimeExecutionMode.STREAMING, points);
        assertThat(streaming).containsExactly("10..20=30", "2000..2010=20", "2010..2020=30");
        assertThat(deltas(RuntimeExecutionMode.BATCH, points)).isEqualTo(streaming);
    }

    private static List<String> deltas(RuntimeExecutionMode mode, List<MetricPoint> points) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(mode);
        env.setParallelism(1);
        List<MetricBatch> batches = new ArrayList<>();
        for (MetricPoint p : points) {
            batches.add(MetricBatch.of(List.of(p)));
        }
        List<MetricPoint> out = new ArrayList<>();
        try (CloseableIterator<MetricBatch> it = env.fromData(batches, MetricBatchSerializer.TYPE)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<MetricBatch>forMonotonousTimestamps()
                        .withTimestampAssigner((b, t) -> b.points.get(0).timeMillis()))
                .keyBy(MetricBatch::resourceKey)
                .transform("metric-delta", MetricBatchSerializer.TYPE, new MetricDeltaConverter(MetricOptions.defaults()))
                .executeAndCollect()) {
            it.forEachRemaining(b -> out.addAll(b.points));
        }
        return MetricDeltaConverterTest.deltas(out);
    }
}
