package org.otlpanalytics.operators.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Chained behind {@link MetricDeltaConverter} when the metrics limits are on: splits each delta
 * batch into one batch per minute ({@link MetricBatch#byMinute}, the limiters' slots) and judges
 * lateness there, once, with the rule and the watermark of the minute aggregator before the
 * limits were wired (chained to the converter, same watermark): points and partials whose minute
 * is purged go to {@link MetricMinuteAggregator#LATE_POINTS} / {@link MetricMinuteAggregator#LATE_PARTIALS}
 * and are counted ({@code metricMinuteSplitter.pointsLateDropped}).
 *
 * <p><b>Why here.</b> Behind it come shuffles (the limiters, keyed by tenant, then the aggregator,
 * keyed by resource). A keyed operator's watermark is the smallest over its input channels, so it
 * can be behind the watermark of the subtask that sent a record (a channel not yet flushed, and
 * none at all at the start of a run). A record judged late before a shuffle and passed on could
 * then be accepted after it, in one run and not in another (a restored run, whose horizons are
 * restored). Judged here and not passed on, a record is never late further down: every operator
 * behind has a watermark and a restored {@link WatermarkHorizon} no larger than this one's.
 */
public class MetricMinuteSplitter extends HorizonStreamOperator<MetricBatch>
        implements OneInputStreamOperator<MetricBatch, MetricBatch> {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "metricMinuteSplitter";

    private final long allowedLatenessMillis;
    private transient EpochWindows minutes;
    private transient Counter late;

    public MetricMinuteSplitter(long allowedLatenessMillis) {
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        minutes = new EpochWindows(MetricOptions.WINDOW_MILLIS, allowedLatenessMillis);
        MetricGroup g = getMetricGroup().addGroup(GROUP);
        late = g.counter(MetricPipelineMetrics.POINTS_LATE_DROPPED);
    }

    @Override
    public void processElement(StreamRecord<MetricBatch> element) {
        long behind = lateBehind();
        for (MetricBatch b : element.getValue().byMinute()) {
            long minute = b.firstMinuteStartMillis();
            if (b.isEmpty() || !minutes.isLate(minute, behind)) {
                if (!b.isEmpty()) {
                    output.collect(new StreamRecord<>(b));
                }
                continue;
            }
            for (MetricPoint p : b.points) {
                late.inc();
                output.collect(MetricMinuteAggregator.LATE_POINTS, new StreamRecord<>(p, p.timeMillis()));
            }
            for (MetricPartial q : b.partials) {
                late.inc(q.points());
                output.collect(MetricMinuteAggregator.LATE_PARTIALS, new StreamRecord<>(q, q.minuteStartMillis));
            }
        }
    }
}
