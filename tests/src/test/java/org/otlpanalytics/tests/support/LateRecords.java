package org.otlpanalytics.tests.support;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
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
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            if (!m.signal.equals("traces")) {
                continue;
            }
            int p = i % partitions;
            recs.add(new ProducerRecord<>(topic, p, m.timeMillis, null, m.value));
            if (++i % every == 0 && m.timeMillis >= fromMillis) {
                recs.add(new ProducerRecord<>(topic, p, m.timeMillis, null, shiftedTraces(m.value, shiftMillis)));
            }
        }
        return recs;
    }
}
