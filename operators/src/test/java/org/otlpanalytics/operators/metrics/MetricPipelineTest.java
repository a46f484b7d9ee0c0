package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * The whole Flink-free path, in the order the job will run it: decode, cumulative to delta per
 * series, one-minute accumulators per series, then USE per resource.
 */
class MetricPipelineTest {
    /** A minute boundary: 1_700_000_040 s is divisible by 60. */
    private static final long MINUTE_START_S = 1_700_000_040L;
    private static final long BOOT_S = MINUTE_START_S - 86_400;
    private static final long NS = 1_000_000_000L;

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    /** One hostmetrics export at {@code second} of the minute: cumulative CPU seconds and load. */
    private static byte[] export(long second, double idle, double user, double system, double load) {
        long t = (MINUTE_START_S + second) * NS;
        Sum.Builder cpu = Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        double[] values = {idle, user, system};
        String[] states = {"idle", "user", "system"};
        for (int i = 0; i < 3; i++) {
            cpu.addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(BOOT_S * NS).setTimeUnixNano(t)
                    .setAsDouble(values[i]).addAttributes(kv("cpu", "cpu0")).addAttributes(kv("state", states[i])));
        }
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("host.name", "node-1")))
                .addScopeMetrics(ScopeMetrics.newBuilder()
                        .addMetrics(Metric.newBuilder().setName("system.cpu.time").setUnit("s").setSum(cpu))
                        .addMetrics(Metric.newBuilder().setName("system.cpu.load_average.1m").setUnit("{thread}")
                                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                                        .setTimeUnixNano(t).setAsDouble(load))))))
                .build().toByteArray();
    }

    @Test
    void hostmetricsExportsBecomeMetricRowsAndUse() throws Exception {
        MetricDecoder decoder = new MetricDecoder(Encoding.OTLP_PROTO);
        CumulativeToDelta c2d = new CumulativeToDelta();
        Map<String, SeriesState> states = new HashMap<>();
        Map<String, MetricAccumulator> minute = new HashMap<>();
        Map<CumulativeToDelta.Outcome, Integer> outcomes = new HashMap<>();

        // every 15 s: idle +9 s, user +4.5 s, system +1.5 s -> 0.6, 0.3 and 0.1 CPU seconds per second
        long[] seconds = {5, 20, 35, 50, 50};
        for (int i = 0; i < seconds.length; i++) {
            int step = Math.min(i, 3);
            List<MetricPoint> points = new ArrayList<>();
            decoder.decode(export(seconds[i], 1000 + 9 * step, 500 + 4.5 * step, 100 + 1.5 * step, 0.25 + 0.25 * step),
                    0, i, points);
            for (MetricPoint p : points) {
                MetricPoint out = p;
                if (CumulativeToDelta.needsState(p)) {
                    CumulativeToDelta.Result r = c2d.convert(states.computeIfAbsent(p.seriesKey(), k -> new SeriesState()), p);
                    outcomes.merge(r.outcome, 1, Integer::sum);
                    out = r.point;
                }
                if (out != null) {
                    minute.computeIfAbsent(out.seriesKey(), k -> new MetricAccumulator()).add(out);
                }
            }
        }
        List<MetricRow> rows = new ArrayList<>();
        minute.values().forEach(a -> rows.add(a.toRow(MINUTE_START_S * 1000)));

        // 3 CPU series: first point recorded (boot a day ago), 3 deltas each, the repeated export ignored
        assertThat(outcomes).containsEntry(CumulativeToDelta.Outcome.FIRST, 3)
                .containsEntry(CumulativeToDelta.Outcome.DELTA, 9)
                .containsEntry(CumulativeToDelta.Outcome.DUPLICATE, 3);
        assertThat(rows).hasSize(4).allMatch(r -> r.resourceUrn.equals("urn:host:node-1"));
        MetricRow idle = rows.stream().filter(r -> "idle".equals(r.attributes().get("state"))).findFirst().orElseThrow();
        assertThat(idle.kind).isEqualTo(AggregateKind.RATE);
        assertThat(idle.rate).isCloseTo(0.6, within(1e-9));
        assertThat(idle.total).isCloseTo(27.0, within(1e-9));
        MetricRow load = rows.stream().filter(r -> r.metric.equals("system.cpu.load_average.1m")).findFirst().orElseThrow();
        // gauge values 0.25, 0.5, 0.75, 1.0, 1.0 (the repeated export counts as a gauge sample)
        assertThat(load.avg).isCloseTo(0.7, within(1e-9));
        assertThat(load.max).isEqualTo(1.0);

        UseRow use = new UseCalculator().compute("default", "urn:host:node-1", MINUTE_START_S * 1000, 60_000, rows);
        assertThat(use.utilization).isCloseTo(0.4, within(1e-9)); // (0.3 + 0.1) / (0.6 + 0.3 + 0.1)
        assertThat(use.saturation).isCloseTo(0.7, within(1e-9)); // load 0.7 on one CPU (one distinct cpu value)
        assertThat(use.errorsPerSecond).isNull();
    }
}
