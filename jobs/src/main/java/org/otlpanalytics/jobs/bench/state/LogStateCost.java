package org.otlpanalytics.jobs.bench.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.logs.BufferedLog;
import org.otlpanalytics.operators.logs.BufferedLogSerializer;
import org.otlpanalytics.operators.logs.LogCluster;
import org.otlpanalytics.operators.logs.LogMinerState;
import org.otlpanalytics.operators.logs.LogMinerStateSerializer;
import org.otlpanalytics.operators.logs.LogPatternOptions;
import org.otlpanalytics.operators.logs.LogPatternPartial;
import org.otlpanalytics.operators.logs.LogPatternWindow;
import org.otlpanalytics.operators.logs.LogPatternWindowSerializer;
import org.otlpanalytics.operators.logs.LogStateSample;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The log pipeline's state: per pattern, the fingerprinter's share of its stream's mining state
 * ({@code log-miner-state}: Drain tree and dictionary entry, one value per stream) and the
 * aggregator's open 5-minute window ({@code log-pattern-windows}); per record waiting for its second
 * to be mined, the buffered record ({@code log-pending-chunks}; {@code log-pending-records} before December 2026).
 */
final class LogStateCost {
    static final String TENANT = "default";

    private LogStateCost() {}

    /** Mining states and open windows of {@code patterns} patterns over {@code streams} streams. */
    record Patterns(List<LogMinerState> miners, Map<String, LogPatternWindow> windows) {
        int count() {
            int n = 0;
            for (LogMinerState m : miners) {
                n += m.tree().clusterCount();
            }
            return n;
        }
    }

    static Patterns build(int patterns, int streams) {
        LogPatternOptions options = LogPatternOptions.defaults();
        List<LogMinerState> miners = new ArrayList<>(streams);
        Map<String, LogPatternWindow> windows = new HashMap<>(patterns * 2);
        long startNanos = ShopTraffic.START_MILLIS * 1_000_000L;
        long offset = 0;
        for (int s = 0; s < streams; s++) {
            int perStream = patterns / streams + (s < patterns % streams ? 1 : 0);
            String urn = serviceUrn(s);
            List<BufferedLog> lines = SyntheticPatterns.lines(s, perStream, 2, startNanos);
            LogMinerState miner = LogStateSample.mine(options, TENANT, urn, lines);
            miners.add(miner);
            for (LogCluster c : miner.tree().clusters()) {
                KafkaRange range = new KafkaRange();
                range.add(s % 2, offset++, ShopTraffic.START_MILLIS);
                windows.put(LogPatternPartial.seriesKey(TENANT, urn, c.id()),
                        LogStateSample.window(ShopTraffic.START_MILLIS, TENANT, "svc-" + s, urn, c.id(), c.size(), 0, range));
            }
        }
        return new Patterns(miners, windows);
    }

    static String serviceUrn(int stream) {
        return "urn:svc:shop/svc-" + stream;
    }

    static Patterns measure(StateCostSettings s, Figures f) throws Exception {
        Patterns p = build(s.patterns(), s.streams());
        int n = Math.max(1, p.count());
        LogMinerStateSerializer miners = new LogMinerStateSerializer();
        long minerBytes = 0;
        LogMinerState largest = null;
        long largestBytes = -1;
        for (LogMinerState m : p.miners()) {
            int b = StateSize.serializedBytes(miners, m);
            minerBytes += b;
            if (b > largestBytes) {
                largestBytes = b;
                largest = m;
            }
        }
        LogPatternWindowSerializer windows = new LogPatternWindowSerializer();
        long windowBytes = 0;
        LogPatternWindow window = null;
        for (Map.Entry<String, LogPatternWindow> e : p.windows().entrySet()) {
            window = e.getValue();
            windowBytes += StateSize.serializedBytes(StringSerializer.INSTANCE, e.getKey()) + 8
                    + StateSize.serializedBytes(windows, window);
        }
        f.put("log_patterns", p.count());
        f.put("log_streams", p.miners().size());
        f.put("log_pattern_miner_serialized_bytes", minerBytes / (double) n);
        f.put("log_pattern_miner_heap_bytes", StateSize.heapBytes(p.miners().toArray()) / (double) n);
        f.put("log_pattern_window_serialized_bytes", windowBytes / (double) n);
        f.put("log_pattern_window_heap_bytes", StateSize.heapBytes(p.windows()) / (double) n);
        f.put("log_pattern_serialized_bytes", (minerBytes + windowBytes) / (double) n);
        f.put("log_miner_state_serialized_bytes_max", largestBytes);
        bufferedRecords(s, f);
        if (s.rocksdb() && largest != null) {
            RocksDbUpdateCost.Cost c = RocksDbUpdateCost.readModifyWrite(miners, largest, 40);
            f.put("rocksdb_logs_miner_state_update_bytes_read", c.bytesRead());
            f.put("rocksdb_logs_miner_state_update_bytes_written", c.bytesWritten());
            f.put("rocksdb_logs_miner_state_update_us", c.micros());
            // at a checkpoint every stream changed since the last one is written back whole (a put, no read)
            RocksDbUpdateCost.Cost w = RocksDbUpdateCost.write(miners, largest, 40);
            f.put("rocksdb_logs_miner_state_write_us", w.micros());
            f.put("logs_miner_state_checkpoint_bytes_all_streams", minerBytes);
            f.put("logs_miner_state_checkpoint_ms_all_streams", w.micros() * minerBytes / (double) largestBytes / 1000);
            RocksDbUpdateCost.Cost pw = RocksDbUpdateCost.readModifyWrite(windows, window, 70);
            f.put("rocksdb_logs_pattern_window_update_bytes_read", pw.bytesRead());
            f.put("rocksdb_logs_pattern_window_update_bytes_written", pw.bytesWritten());
            f.put("rocksdb_logs_pattern_window_update_us", pw.micros());
        }
        return p;
    }

    /** A buffered record as mining needs it, and with every field (when fingerprinted records go to ClickHouse). */
    private static void bufferedRecords(StateCostSettings s, Figures f) throws Exception {
        List<LogRecordFlat> records = ShopTraffic.logs(s.redTracesPerSecond());
        BufferedLogSerializer serializer = new BufferedLogSerializer();
        for (boolean full : new boolean[] {false, true}) {
            List<BufferedLog> buffered = new ArrayList<>(records.size());
            long bytes = 0;
            for (LogRecordFlat r : records) {
                BufferedLog b = BufferedLog.of(r, full);
                buffered.add(b);
                bytes += StateSize.serializedBytes(serializer, b);
            }
            int n = Math.max(1, buffered.size());
            String name = full ? "log_record_buffered_full" : "log_record_buffered";
            f.put(name + "_serialized_bytes", bytes / (double) n);
            f.put(name + "_heap_bytes", StateSize.heapBytes(buffered.toArray()) / (double) n);
        }
        f.put("log_records_measured", records.size());
    }
}
