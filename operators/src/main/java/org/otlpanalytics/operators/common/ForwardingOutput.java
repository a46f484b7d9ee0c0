package org.otlpanalytics.operators.common;

import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * An operator's output that passes everything on to {@code out}: the base of the outputs that
 * change how records or watermarks go on (slot-aligned watermarks, a paced release) and forward
 * the rest unchanged.
 *
 * @param <T> the records
 */
public abstract class ForwardingOutput<T> implements Output<StreamRecord<T>> {
    protected final Output<StreamRecord<T>> out;

    protected ForwardingOutput(Output<StreamRecord<T>> out) {
        this.out = out;
    }

    @Override
    public void collect(StreamRecord<T> record) {
        out.collect(record);
    }

    @Override
    public void emitWatermark(Watermark mark) {
        out.emitWatermark(mark);
    }

    @Override
    public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {
        out.collect(tag, record);
    }

    @Override
    public void emitWatermarkStatus(WatermarkStatus status) {
        out.emitWatermarkStatus(status);
    }

    @Override
    public void emitLatencyMarker(LatencyMarker marker) {
        out.emitLatencyMarker(marker);
    }

    @Override
    public void emitRecordAttributes(RecordAttributes attributes) {
        out.emitRecordAttributes(attributes);
    }

    @Override
    public void emitWatermark(WatermarkEvent event) {
        out.emitWatermark(event);
    }

    @Override
    public void close() {
        out.close();
    }
}
