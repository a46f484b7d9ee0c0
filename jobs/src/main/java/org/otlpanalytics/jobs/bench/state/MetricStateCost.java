package org.otlpanalytics.jobs.bench.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.otlpanalytics.operators.metrics.CumulativeToDelta;
import org.otlpanalytics.operators.metrics.MetricAccumulator;
import org.otlpanalytics.operators.metrics.MetricAccumulatorTypeSerializer;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;
import org.otlpanalytics.operators.metrics.MetricDeltaConverter;
import org.otlpanalytics.operators.metrics.MetricOptions;
import org.otlpanalytics.operators.metrics.MetricStateSample;
import org.otlpanalytics.operators.metrics.SeriesSlot;
import org.otlpanalytics.operators.metrics.SeriesSlotSerializer;
import org.otlpanalytics.operators.metrics.SeriesState;
import org.otlpanalytics.operators.metrics.SeriesStateTypeSerializer;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * The metrics pipeline's state per series, from one minute of the shop's exports (every 10 s): the
 * converter's last cumulative point ({@code SeriesState}) and the minute's points waiting for their
 * conversion ({@code MetricBatch} list elements, one per export), both for cumulative series only, and the
 * minute aggregator's accumulator ({@code MetricAccumulator} under a {@code SeriesSlot}).
 */
final class MetricStateCost {
    private MetricStateCost() {}

    static void measure(StateCostSettings s, Figures f) throws Exception {
        CumulativeToDelta converter = new CumulativeToDelta();
        Map<String, SeriesState> converterState = new LinkedHashMap<>();
        Map<String, MetricAccumulator> minute = new LinkedHashMap<>();
        Map<String, SeriesSlot> slots = new LinkedHashMap<>();
        MetricBatchSerializer batches = new MetricBatchSerializer();
        long pendingBytes = 0;
        int kllK = MetricOptions.defaults().kllK();
        for (List<MetricPoint> export : ShopTraffic.metricExports()) {
            // only cumulative points wait for their minute's conversion: one list element per export
            List<MetricPoint> waiting = new ArrayList<>();
            for (MetricPoint p : export) {
                if (CumulativeToDelta.needsState(p)) {
                    waiting.add(p);
                }
            }
            if (!waiting.isEmpty()) {
                pendingBytes += StateSize.serializedBytes(batches, MetricBatch.of(waiting));
            }
            for (MetricPoint p : export) {
                String series = MetricDeltaConverter.resourceKey(p) + '\u0000' + MetricStateSample.converterKey(p);
                MetricPoint aggregated = p;
                if (CumulativeToDelta.needsState(p)) {
                    aggregated = converter.convert(converterState.computeIfAbsent(series, k -> new SeriesState()), p).point;
                }
                slots.computeIfAbsent(series, k -> MetricStateSample.slot(ShopTraffic.START_MILLIS, p));
                MetricAccumulator a = minute.computeIfAbsent(series, k -> new MetricAccumulator(kllK));
                if (aggregated != null) {
                    a.add(aggregated);
                }
            }
        }
        SeriesStateTypeSerializer states = new SeriesStateTypeSerializer();
        long converterBytes = 0;
        long converterHeap = 0;
        SeriesState typicalState = null;
        for (Map.Entry<String, SeriesState> e : converterState.entrySet()) {
            String key = e.getKey().substring(e.getKey().indexOf('\u0000') + 1);
            converterBytes += StateSize.serializedBytes(StringSerializer.INSTANCE, key) + StateSize.serializedBytes(states, e.getValue());
            converterHeap += StateSize.heapBytes(key, e.getValue());
            typicalState = e.getValue();
        }
        MetricAccumulatorTypeSerializer accumulators = new MetricAccumulatorTypeSerializer();
        SeriesSlotSerializer slotSerializer = new SeriesSlotSerializer();
        long minuteBytes = 0;
        long minuteHeap = 0;
        MetricAccumulator largest = null;
        long largestBytes = -1;
        for (Map.Entry<String, MetricAccumulator> e : minute.entrySet()) {
            SeriesSlot slot = slots.get(e.getKey());
            int b = StateSize.serializedBytes(accumulators, e.getValue());
            minuteBytes += StateSize.serializedBytes(slotSerializer, slot) + b;
            minuteHeap += StateSize.heapBytes(slot, e.getValue());
            if (b > largestBytes) {
                largestBytes = b;
                largest = e.getValue();
            }
        }
        int n = Math.max(1, minute.size());
        int cumulative = Math.max(1, converterState.size());
        f.put("metric_series", minute.size());
        f.put("metric_series_cumulative", converterState.size());
        f.put("metric_converter_series_serialized_bytes", converterBytes / (double) cumulative);
        f.put("metric_converter_series_heap_bytes", converterHeap / (double) cumulative);
        f.put("metric_converter_pending_minute_serialized_bytes", pendingBytes / (double) cumulative);
        f.put("metric_minute_series_serialized_bytes", minuteBytes / (double) n);
        f.put("metric_minute_series_heap_bytes", minuteHeap / (double) n);
        f.put("metric_series_serialized_bytes", (converterBytes + pendingBytes + minuteBytes) / (double) n);
        f.put("metric_series_heap_bytes", (converterHeap + minuteHeap) / (double) n);
        f.put("metric_minute_series_serialized_bytes_max", largestBytes);
        if (s.rocksdb() && largest != null && typicalState != null) {
            RocksDbUpdateCost.Cost c = RocksDbUpdateCost.readModifyWrite(states, typicalState, 60);
            f.put("rocksdb_metrics_converter_series_update_bytes_read", c.bytesRead());
            f.put("rocksdb_metrics_converter_series_update_bytes_written", c.bytesWritten());
            f.put("rocksdb_metrics_converter_series_update_us", c.micros());
            RocksDbUpdateCost.Cost a = RocksDbUpdateCost.readModifyWrite(accumulators, largest, 50);
            f.put("rocksdb_metrics_minute_series_update_bytes_read", a.bytesRead());
            f.put("rocksdb_metrics_minute_series_update_bytes_written", a.bytesWritten());
            f.put("rocksdb_metrics_minute_series_update_us", a.micros());
        }
    }
}
