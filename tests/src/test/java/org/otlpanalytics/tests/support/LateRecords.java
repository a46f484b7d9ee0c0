package org.otlpanalytics.tests.support;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;

/**
 * Late input for exactly-once tests: copies of real messages with every event time moved back,
 * sent where the stream has long passed them. A failure-free run drops them as late; a run
 * restored from a checkpoint re-reads them before any watermark has reached its operators, which
 * is exactly where lateness used to be judged against {@code Long.MIN_VALUE}.
 */
public final class LateRecords {
    private LateRecords() {}

    /** The trace message with every span's start and end moved {@code shiftMillis} back, ids unchanged. */
    public static byte[] shiftedTraces(byte[] exportTraceServiceRequest, long shiftMillis) throws Exception {
        long shiftNanos = shiftMillis * 1_000_000L;
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(exportTraceServiceRequest);
        ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
        for (ResourceSpans rs : req.getResourceSpansList()) {
            ResourceSpans.Builder rb = rs.toBuilder().clearScopeSpans();
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                ScopeSpans.Builder sb = ss.toBuilder().clearSpans();
                for (Span s : ss.getSpansList()) {
                    sb.addSpans(s.toBuilder().setStartTimeUnixNano(s.getStartTimeUnixNano() - shiftNanos)
                            .setEndTimeUnixNano(s.getEndTimeUnixNano() - shiftNanos));
                }
                rb.addScopeSpans(sb);
            }
            out.addResourceSpans(rb);
        }
        return out.build().toByteArray();
    }

    /**
     * The trace messages round-robin over {@code partitions} (as {@link Pipelines#sendTraces}), and
     * after every {@code every}-th one from {@code fromMillis} on, a copy moved {@code shiftMillis}
     * back, on the same partition, with the Kafka timestamp of the original (it is written "now",
     * about something long past).
     *
     * <p>Whether a record is late depends on the watermark its operator has seen, which depends on
     * when the periodic watermarks were emitted and how far the other partitions have been read.
     * Copies are therefore only added once the stream is well under way ({@code fromMillis}) and
     * moved far back (an hour), so that every run that has emitted any watermark at all judges them
     * late, whatever the timing: only a run that lost its watermark accepts them. Use as many
     * partitions as source subtasks: a reader holding two partitions may emit one of them whole
     * while the other has produced nothing yet and holds the reader's watermark at MIN (a bounded
     * replay fetches a partition in one go), so lateness would depend on fetch order even
     * without a failure.
     */
    public static List<ProducerRecord<byte[], byte[]>> tracesWithLateCopies(String topic, int partitions,
            List<TelemetryGenerator.Message> msgs, int every, long shiftMillis, long fromMillis) throws Exception {
        return withLateCopies("traces", topic, partitions, msgs, every, fromMillis, v -> {
            try {
                return shiftedTraces(v, shiftMillis);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The metrics message with every data point's time and start time moved {@code shiftMillis}
     * back (gauges, sums, histograms, exponential histograms, summaries), series unchanged.
     */
    public static byte[] shiftedMetrics(byte[] exportMetricsServiceRequest, long shiftMillis) throws Exception {
        long d = shiftMillis * 1_000_000L;
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(exportMetricsServiceRequest);
        ExportMetricsServiceRequest.Builder out = ExportMetricsServiceRequest.newBuilder();
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
            ResourceMetrics.Builder rb = rm.toBuilder().clearScopeMetrics();
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                ScopeMetrics.Builder sb = sm.toBuilder().clearMetrics();
                for (Metric m : sm.getMetricsList()) {
                    Metric.Builder mb = m.toBuilder();
                    switch (m.getDataCase()) {
                        case GAUGE -> {
                            mb.getGaugeBuilder().clearDataPoints();
                            for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                                mb.getGaugeBuilder().addDataPoints(p.toBuilder().setTimeUnixNano(p.getTimeUnixNano() - d)
                                        .setStartTimeUnixNano(Math.max(0, p.getStartTimeUnixNano() - d)));
                            }
                        }
                        case SUM -> {
                            mb.getSumBuilder().clearDataPoints();
                            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                                mb.getSumBuilder().addDataPoints(p.toBuilder().setTimeUnixNano(p.getTimeUnixNano() - d)
                                        .setStartTimeUnixNano(Math.max(0, p.getStartTimeUnixNano() - d)));
                            }
                        }
                        case HISTOGRAM -> {
                            mb.getHistogramBuilder().clearDataPoints();
                            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                                mb.getHistogramBuilder().addDataPoints(p.toBuilder().setTimeUnixNano(p.getTimeUnixNano() - d)
                                        .setStartTimeUnixNano(Math.max(0, p.getStartTimeUnixNano() - d)));
                            }
                        }
                        case EXPONENTIAL_HISTOGRAM -> {
                            mb.getExponentialHistogramBuilder().clearDataPoints();
                            for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                                mb.getExponentialHistogramBuilder().addDataPoints(p.toBuilder()
                                        .setTimeUnixNano(p.getTimeUnixNano() - d)
                                        .setStartTimeUnixNano(Math.max(0, p.getStartTimeUnixNano() - d)));
                            }
                        }
                        case SUMMARY -> {
                            mb.getSummaryBuilder().clearDataPoints();
                            for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                                mb.getSummaryBuilder().addDataPoints(p.toBuilder().setTimeUnixNano(p.getTimeUnixNano() - d)
                                        .setStartTimeUnixNano(Math.max(0, p.getStartTimeUnixNano() - d)));
                            }
                        }
                        default -> { }
                    }
                    sb.addMetrics(mb);
                }
                rb.addScopeMetrics(sb);
            }
            out.addResourceMetrics(rb);
        }
        return out.build().toByteArray();
    }

    /**
     * The metrics messages round-robin over {@code partitions}, with late copies as in
     * {@link #tracesWithLateCopies} (every {@code every}-th from {@code fromMillis} on, moved
     * {@code shiftMillis} back, same partition, the original's Kafka timestamp).
     */
    public static List<ProducerRecord<byte[], byte[]>> metricsWithLateCopies(String topic, int partitions,
            List<TelemetryGenerator.Message> msgs, int every, long shiftMillis, long fromMillis) throws Exception {
        return withLateCopies("metrics", topic, partitions, msgs, every, fromMillis, v -> {
            try {
                return shiftedMetrics(v, shiftMillis);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static List<ProducerRecord<byte[], byte[]>> withLateCopies(String signal, String topic, int partitions,
            List<TelemetryGenerator.Message> msgs, int every, long fromMillis, UnaryOperator<byte[]> shift) {
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            if (!m.signal.equals(signal)) {
                continue;
            }
            int p = i % partitions;
            recs.add(new ProducerRecord<>(topic, p, m.timeMillis, null, m.value));
            if (++i % every == 0 && m.timeMillis >= fromMillis) {
                recs.add(new ProducerRecord<>(topic, p, m.timeMillis, null, shift.apply(m.value)));
            }
        }
        return recs;
    }
}
