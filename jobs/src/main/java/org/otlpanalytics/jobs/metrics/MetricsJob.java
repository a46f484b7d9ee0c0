package org.otlpanalytics.jobs.metrics;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.ReplayRange;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.jobs.limits.LimitOptions;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.limits.LimitedMetricAggregatorOperator;
import org.otlpanalytics.operators.limits.LimitedMetricRouter;
import org.otlpanalytics.operators.limits.OverflowUseFilter;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;
import org.otlpanalytics.operators.metrics.MetricDeltaConverter;
import org.otlpanalytics.operators.metrics.MetricDeltaFolder;
import org.otlpanalytics.operators.metrics.MetricLateDeadLetter;
import org.otlpanalytics.operators.metrics.MetricMinuteAggregator;
import org.otlpanalytics.operators.metrics.MetricMinuteSplitter;
import org.otlpanalytics.operators.metrics.MetricOptions;
import org.otlpanalytics.operators.metrics.MetricPartial;
import org.otlpanalytics.operators.metrics.MetricPreAggregator;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.operators.metrics.UseRow;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * {@code metric_1m} and USE from decoded metric points: batches per resource (gauges and deltas
 * pre-aggregated per series and minute, chained to the source) → (tenant, resource) key →
 * cumulative-to-delta in event-time order, the deltas folded per series and minute → tenant and
 * resource limits ({@link Limiters#metrics}, held where the converter left the batches) → 1-minute
 * aggregates per series and USE per resource. A kept resource's batches are aggregated in the
 * limit's task ({@link LimitedMetricRouter}, uid {@code metric-minute-aggregator} chained: one
 * shuffle after the source's, none behind it); the overflow resources' batches, from every subtask,
 * by an aggregator of their own behind a shuffle (uid {@code metric-overflow-aggregator}). With the
 * series limit on, every batch is keyed again to {@code metric-minute-aggregator}; with no limit, it
 * is chained to the converter.
 * Wires only; computes nothing, and does not know the store: the job attaches the sinks to
 * {@link MetricsOutputs}.
 */
public final class MetricsJob {
    public static final String JOB = "metrics";

    private MetricsJob() {}

    /** The pipeline's settings, parsed once from the job options. */
    public record Settings(MetricOptions options, LimitOptions limits, String topic, ReplayRange replay) {
        public static Settings of(JobOptions o) {
            return new Settings(metricOptions(o), LimitOptions.of(o), o.require(JobOptions.METRICS_TOPIC), o.replayRange());
        }
    }

    public static MetricOptions metricOptions(JobOptions o) {
        return MetricOptions.builder()
                .allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .seriesIdleTimeout(o.getDuration(JobOptions.METRICS_SERIES_IDLE_TIMEOUT))
                .maxSeriesPerResource(o.getInt(JobOptions.METRICS_MAX_SERIES_PER_RESOURCE))
                .firstPointMaxInterval(o.getDuration(JobOptions.METRICS_FIRST_POINT_MAX_INTERVAL))
                .build();
    }

    /**
     * Builds the metrics pipeline on decoded, timestamped points (the metrics ingest stage's
     * output, typed with {@code MetricPointTypeInfo} for a compact shuffle).
     */
    public static MetricsOutputs buildPipeline(DataStream<MetricPoint> points, Settings s) {
        String topic = s.topic();
        MetricOptions options = s.options();
        // per-source-subtask batches per resource, chained to the source: gauges and deltas
        // pre-aggregated per series and minute, so the shuffle carries one record per resource and flush
        SingleOutputStreamOperator<MetricBatch> batches = points
                .transform("metrics-preaggregate", MetricBatchSerializer.TYPE,
                        new MetricPreAggregator(options, MetricPreAggregator.DEFAULT_MAX_ENTRIES))
                .uid("metrics-preaggregate");
        // one key per tenant and resource; cumulative points become deltas in event-time order
        SingleOutputStreamOperator<MetricBatch> deltas = batches
                .keyBy(MetricBatch::resourceKey)
                .transform("metrics-cumulative-to-delta", MetricBatchSerializer.TYPE, new MetricDeltaConverter(options))
                .uid("metrics-delta-converter")
                // chained: a series' deltas of a minute folded into one partial, so the shuffles
                // behind (limits, aggregator) carry one record per series and minute, not per export
                .transform("metrics-fold-deltas", MetricBatchSerializer.TYPE, new MetricDeltaFolder(options))
                .uid("metrics-delta-folder");
        // the tenant and resource limits act on the deltas (never on cumulative series), per minute,
        // decided on marks and applied to the batches where the converter left them (same key);
        // lateness is judged once, before any shuffle, by the splitter chained to the converter
        // (same watermark as the aggregator chained there without limits); a folded batch has a new
        // key, so the minute aggregator is keyed again behind them
        List<DataStream<MetricPoint>> latePoints = new ArrayList<>(List.of(batches.getSideOutput(MetricMinuteAggregator.LATE_POINTS)));
        List<DataStream<MetricPartial>> latePartialStreams = new ArrayList<>();
        List<SingleOutputStreamOperator<MetricRow>> aggregators = new ArrayList<>();
        if (!Limiters.limitsMetrics(s.limits())) {
            // same key, same partitioning: the minute aggregator is chained without another shuffle
            aggregators.add(DataStreamUtils.reinterpretAsKeyedStream(deltas, MetricBatch::resourceKey)
                    .transform("metric-1m-and-use", TypeInformation.of(MetricRow.class),
                            new HorizonKeyedProcessOperator<>(new MetricMinuteAggregator(options)))
                    .uid("metric-minute-aggregator"));
        } else {
            SingleOutputStreamOperator<MetricBatch> minutes = deltas
                    .transform("metric-minute-splitter", MetricBatchSerializer.TYPE,
                            new MetricMinuteSplitter(options.allowedLatenessMillis()))
                    .uid("metric-minute-splitter");
            latePoints.add(minutes.getSideOutput(MetricMinuteAggregator.LATE_POINTS));
            latePartialStreams.add(minutes.getSideOutput(MetricMinuteAggregator.LATE_PARTIALS));
            DataStream<MetricBatch> limited = Limiters.metrics(minutes, s.limits(), options.allowedLatenessMillis());
            if (s.limits().maxMetricSeriesPerTenant() > 0) {
                // the series limit emits per series, keyed by series: keyed by resource again
                aggregators.add(limited.keyBy(MetricBatch::resourceKey)
                        .transform("metric-1m-and-use", TypeInformation.of(MetricRow.class),
                                new HorizonKeyedProcessOperator<>(new MetricMinuteAggregator(options)))
                        .uid("metric-minute-aggregator"));
            } else {
                // a kept resource's batch leaves the limiter on its resource's subtask: its minutes are
                // aggregated in the limiter's task, chained; the overflow resources' batches (from every
                // subtask) are shuffled to an aggregator of their own
                SingleOutputStreamOperator<MetricBatch> routed = limited
                        .process(new LimitedMetricRouter()).returns(MetricBatchSerializer.TYPE)
                        .name("metric-aggregator-route").uid("metric-aggregator-route");
                SingleOutputStreamOperator<MetricRow> kept = DataStreamUtils
                        .reinterpretAsKeyedStream(routed, MetricBatch::resourceKey)
                        .transform("metric-1m-and-use", TypeInformation.of(MetricRow.class),
                                new LimitedMetricAggregatorOperator(new MetricMinuteAggregator(options)))
                        .uid("metric-minute-aggregator");
                // with the minutes of overflow resources that a savepoint of the former wiring held in the kept one
                aggregators.add(kept);
                aggregators.add(routed.getSideOutput(LimitedMetricRouter.REKEYED)
                        .union(kept.getSideOutput(LimitedMetricAggregatorOperator.RESTORED_ELSEWHERE))
                        .keyBy(MetricBatch::resourceKey)
                        .transform("metric-overflow-1m-and-use", TypeInformation.of(MetricRow.class),
                                new HorizonKeyedProcessOperator<>(new MetricMinuteAggregator(options)))
                        .uid("metric-overflow-aggregator"));
            }
        }
        for (SingleOutputStreamOperator<MetricRow> a : aggregators) {
            latePoints.add(a.getSideOutput(MetricMinuteAggregator.LATE_POINTS));
            latePartialStreams.add(a.getSideOutput(MetricMinuteAggregator.LATE_PARTIALS));
        }
        // points later than the allowed lateness: counted, and kept in the dead-letter topic
        DataStream<DeadLetter> late = union(latePoints)
                .map(p -> MetricLateDeadLetter.of(p, topic))
                .name("metrics-late-points").uid("metrics-late-points");
        DataStream<DeadLetter> latePartials = union(latePartialStreams)
                .map(q -> MetricLateDeadLetter.ofPartial(q, topic))
                .name("metrics-late-partials").uid("metrics-late-partials");
        // a replay rewrites only the whole minutes inside [--from, --to); each aggregator's rows filtered
        // in its own task (the kept resources' one chained to its sink: no network step for the rows)
        ReplayRange replay = s.replay();
        List<DataStream<MetricRow>> metrics = new ArrayList<>();
        List<DataStream<UseRow>> use = new ArrayList<>();
        for (int i = 0; i < aggregators.size(); i++) {
            SingleOutputStreamOperator<MetricRow> rows = aggregators.get(i);
            String part = i == 0 ? "" : "-overflow";
            metrics.add(rows
                    .filter(r -> replay.containsWindow(r.bucketStartMillis, MetricOptions.WINDOW_MILLIS))
                    .name("metric-1m-replay-range" + part).uid("metric-1m-replay-range" + part));
            use.add(rows.getSideOutput(MetricMinuteAggregator.USE_ROWS)
                    .filter(u -> replay.containsWindow(u.bucketStartMillis, MetricOptions.WINDOW_MILLIS))
                    .name("use-1m-replay-range" + part).uid("use-1m-replay-range" + part)
                    // the overflow resource's series are many resources merged: no USE row for it
                    .filter(new OverflowUseFilter(Limiters.METRIC_RESOURCES))
                    .name("use-1m-no-overflow" + part).uid("use-1m-no-overflow" + part));
        }
        return new MetricsOutputs(metrics, use, List.of(
                new DeadLetterStream("metrics-late-dead-letters", late),
                new DeadLetterStream("metrics-late-partial-dead-letters", latePartials)));
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> all = streams.get(0);
        for (DataStream<T> s : streams.subList(1, streams.size())) {
            all = all.union(s);
        }
        return all;
    }
}
