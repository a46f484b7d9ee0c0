package org.otlpanalytics.jobs.bench.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.operators.red.RedAccumulator;
import org.otlpanalytics.operators.red.RedAccumulatorSerializer;
import org.otlpanalytics.operators.red.RedOptions;
import org.otlpanalytics.operators.red.RedSeriesKey;
import org.otlpanalytics.operators.red.RedStateSample;
import org.otlpanalytics.operators.red.RedWindow;
import org.otlpanalytics.operators.red.RedWindowSerializer;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * RED's keyed state per series and minute ({@code red-series}: a {@code RedSeriesKey} and its
 * {@code RedAccumulator}) and per service and minute ({@code red-windows}), from one minute of shop
 * traffic. On RocksDB every partial reads and rewrites its series' accumulator and its service's
 * window whole.
 */
final class RedStateCost {
    private RedStateCost() {}

    static void measure(StateCostSettings s, Figures f) throws Exception {
        Map<String, List<SpanRecord>> series = new LinkedHashMap<>();
        Map<String, SpanRecord> services = new LinkedHashMap<>();
        long end = ShopTraffic.START_MILLIS + 60_000;
        for (SpanRecord r : new ShopTraffic().spans(ShopTraffic.START_MILLIS, 60_000, s.redTracesPerSecond())) {
            if (r.startMillis() < ShopTraffic.START_MILLIS || r.startMillis() >= end) {
                continue;
            }
            series.computeIfAbsent(r.tenant + '\u0000' + r.serviceUrn + '\u0000' + r.name + '\u0000' + r.kind + '\u0000' + r.statusCode,
                    k -> new ArrayList<>()).add(r);
            services.putIfAbsent(r.tenant + '\u0000' + r.serviceUrn, r);
        }
        RedOptions options = RedOptions.defaults();
        RedSeriesKey.Serializer keys = new RedSeriesKey.Serializer();
        RedAccumulatorSerializer values = new RedAccumulatorSerializer();
        long spans = 0;
        long serialized = 0;
        long heap = 0;
        long largestValue = -1;
        RedAccumulator largest = null;
        for (List<SpanRecord> l : series.values()) {
            RedSeriesKey key = RedStateSample.seriesKey(ShopTraffic.START_MILLIS, l.get(0));
            RedAccumulator acc = RedStateSample.accumulator(l, options);
            int v = StateSize.serializedBytes(values, acc);
            serialized += StateSize.serializedBytes(keys, key) + v;
            heap += StateSize.heapBytes(key, acc);
            spans += l.size();
            if (v > largestValue) {
                largestValue = v;
                largest = acc;
            }
        }
        RedWindowSerializer windows = new RedWindowSerializer();
        long windowSerialized = 0;
        long windowHeap = 0;
        RedWindow window = null;
        for (SpanRecord r : services.values()) {
            window = RedStateSample.window(r);
            windowSerialized += 8 + StateSize.serializedBytes(windows, window);
            windowHeap += StateSize.heapBytes(window);
        }
        int n = Math.max(1, series.size());
        f.put("red_series", series.size());
        f.put("red_spans_per_series_minute", spans / (double) n);
        f.put("red_series_serialized_bytes", serialized / (double) n);
        f.put("red_series_heap_bytes", heap / (double) n);
        f.put("red_series_serialized_bytes_max", largestValue);
        f.put("red_window_serialized_bytes", windowSerialized / (double) Math.max(1, services.size()));
        f.put("red_window_heap_bytes", windowHeap / (double) Math.max(1, services.size()));
        if (s.rocksdb() && largest != null) {
            RocksDbUpdateCost.Cost c = RocksDbUpdateCost.readModifyWrite(values, largest, 40);
            f.put("rocksdb_red_series_update_bytes_read", c.bytesRead());
            f.put("rocksdb_red_series_update_bytes_written", c.bytesWritten());
            f.put("rocksdb_red_series_update_us", c.micros());
            RocksDbUpdateCost.Cost w = RocksDbUpdateCost.readModifyWrite(windows, window, 30);
            f.put("rocksdb_red_window_update_bytes_read", w.bytesRead());
            f.put("rocksdb_red_window_update_bytes_written", w.bytesWritten());
            f.put("rocksdb_red_window_update_us", w.micros());
        }
    }
}
