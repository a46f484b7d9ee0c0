package org.otlpanalytics.operators.red;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.time.HorizonStreamOperator;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Local (per source subtask) pre-aggregation of spans into {@link RedPartial}s, chained to the
 * source so the network shuffle carries one partial per series and flush instead of one record per
 * span — the local/global aggregation of Flink SQL, done by hand.
 *
 * <p>Holds no checkpointed state besides its {@link WatermarkHorizon}: everything buffered is
 * emitted before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}), at end of input, when
 * {@code maxEntries} series are buffered, and — for the minutes a watermark closes — before that
 * watermark is forwarded, so a partial never arrives after the watermark that fires its minute
 * downstream. Minutes still open stay buffered across watermarks: a busy series crosses the
 * network about once per minute and checkpoint instead of once per watermark interval, which is
 * what keeps the keyed aggregation cheap on RocksDB. Spans already later than the allowed
 * lateness at this operator's horizon (its last watermark, kept across restores) go to
 * {@link RedAggregator#LATE_SPANS} as spans.
 */
public class RedPreAggregator extends HorizonStreamOperator<RedPartial>
        implements OneInputStreamOperator<SpanRecord, RedPartial>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final RedOptions options;
    private final int maxEntries;
    private transient Map<Key, Entry> buffer;
    private transient Counter aggregated;
    private transient Counter late;
    private transient Counter flushed;

    public RedPreAggregator(RedOptions options, int maxEntries) {
        this.options = options;
        this.maxEntries = maxEntries;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new HashMap<>();
        var g = getMetricGroup().addGroup(RedMetrics.GROUP);
        aggregated = g.counter(RedMetrics.SPANS_AGGREGATED);
        late = g.counter(RedMetrics.SPANS_LATE_DROPPED);
        flushed = g.counter(RedMetrics.PARTIALS_EMITTED);
    }

    @Override
    public void processElement(StreamRecord<SpanRecord> element) {
        SpanRecord s = element.getValue();
        long ts = s.startMillis();
        long bucket = Math.floorDiv(ts, RedOptions.WINDOW_MILLIS) * RedOptions.WINDOW_MILLIS;
        if (bucket + RedOptions.WINDOW_MILLIS - 1 + options.allowedLatenessMillis() <= lateBehind()) {
            late.inc();
            output.collect(RedAggregator.LATE_SPANS, new StreamRecord<>(s, ts));
            return;
        }
        Key k = new Key(s.tenant, s.serviceUrn, bucket, s.name, s.kind, s.statusCode);
        Entry e = buffer.get(k);
        if (e == null) {
            e = new Entry(s, options.hllLgK());
            buffer.put(k, e);
        }
        e.acc.add(s.durationNanos(), s.isError(), s.traceIdHi, s.traceIdLo);
        if (options.dimensions().size() > 0) {
            e.acc.addDimensions(s, options);
        }
        e.range.add(s.kafkaPartition, s.kafkaOffset, ts);
        aggregated.inc();
        if (buffer.size() >= maxEntries) {
            flush();
        }
    }

    @Override
    protected void onWatermark(long watermark) throws Exception {
        flushClosedBy(watermark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Emits the partials of the minutes whose end {@code watermark} passes (they fire downstream with it). */
    private void flushClosedBy(long watermark) {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        int n = 0;
        var it = buffer.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Entry> en = it.next();
            if (en.getKey().bucket + RedOptions.WINDOW_MILLIS - 1 <= watermark) {
                emit(en.getKey(), en.getValue());
                it.remove();
                n++;
            }
        }
        flushed.inc(n);
    }

    private void flush() {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        for (Map.Entry<Key, Entry> en : buffer.entrySet()) {
            emit(en.getKey(), en.getValue());
        }
        flushed.inc(buffer.size());
        buffer.clear();
    }

    private void emit(Key k, Entry e) {
        RedPartial p = new RedPartial();
        p.tenant = k.tenant;
        p.serviceUrn = k.serviceUrn;
        p.serviceName = e.serviceName;
        p.serviceNamespace = e.serviceNamespace;
        p.bucketStartMillis = k.bucket;
        p.operation = k.operation;
        p.kind = k.kind;
        p.status = k.status;
        p.setState(e.acc, e.range);
        output.collect(new StreamRecord<>(p, k.bucket));
    }

    private static final class Entry {
        final String serviceName;
        final String serviceNamespace;
        final RedAccumulator acc;
        final KafkaRange range = new KafkaRange();

        Entry(SpanRecord s, int hllLgK) {
            this.serviceName = s.serviceName;
            this.serviceNamespace = s.serviceNamespace;
            this.acc = new RedAccumulator(hllLgK);
        }
    }

    private static final class Key {
        final String tenant;
        final String serviceUrn;
        final long bucket;
        final String operation;
        final int kind;
        final int status;
        private final int hash;

        Key(String tenant, String serviceUrn, long bucket, String operation, int kind, int status) {
            this.tenant = tenant;
            this.serviceUrn = serviceUrn;
            this.bucket = bucket;
            this.operation = operation;
            this.kind = kind;
            this.status = status;
            this.hash = Objects.hash(tenant, serviceUrn, bucket, operation, kind, status);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return bucket == k.bucket && kind == k.kind && status == k.status && operation.equals(k.operation)
                    && serviceUrn.equals(k.serviceUrn) && tenant.equals(k.tenant);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
