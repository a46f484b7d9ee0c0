package org.otlpanalytics.jobs.bench.state;

import java.io.PrintStream;
import java.util.Map;
import org.otlpanalytics.operators.edges.EdgeStore;

/**
 * {@code bench-state}: what each unit of state costs, in serialized bytes (the operators' own
 * serializers: what RocksDB and checkpoints hold) and heap bytes (JOL, over the real state
 * objects), per RED series, pending span half, log pattern, buffered log record and metric series;
 * the heap that 100,000 active log patterns and 20,000 in-flight span halves take (by JOL and,
 * independently, by the used heap after GC); and, on a real RocksDB, what one read-modify-write
 * update of each state value costs, since RocksDB serializes a value whole at every access.
 * Prints {@code name=value} lines.
 */
public final class StateCostBench {
    static final double MB = 1024.0 * 1024.0;
    static final double BUDGET_MB = 200;

    private StateCostBench() {}

    public static void main(String[] args) throws Exception {
        run(StateCostSettings.parse(args), System.out);
    }

    static Map<String, String> run(StateCostSettings s, PrintStream out) throws Exception {
        Figures f = new Figures(out);
        f.put("heap_method", StateSize.HEAP_METHOD);
        f.put("heap_check_method", RetainedHeap.METHOD);
        f.put("serialized_method", StateSize.SERIALIZED_METHOD);
        f.put("rocksdb_method", s.rocksdb() ? "rocksdb-get-deserialize-serialize-put" : "off");
        RedStateCost.measure(s, f);
        EdgeStore store = EdgeStateCost.measure(s, f);
        LogStateCost.Patterns patterns = LogStateCost.measure(s, f);
        MetricStateCost.measure(s, f);
        budget(s, patterns, store, f);
        largestRewrite(f);
        return f.asMap();
    }

    /**
     * The heap 100k patterns and 20k halves take: measured at those sizes, else scaled linearly from the
     * sizes built. Three JOL figures (every state object once; what stays on the heap with RocksDB; the
     * heap backend, where the fingerprinter's cache holds a copy of the mining state besides the
     * backend's own) and the used heap after GC of building the same again.
     */
    static void budget(StateCostSettings s, LogStateCost.Patterns p, EdgeStore store, Figures f) {
        double patternScale = StateCostSettings.BUDGET_PATTERNS / (double) Math.max(1, p.count());
        double spanScale = StateCostSettings.BUDGET_SPANS / (double) Math.max(1, store.size());
        long miners = StateSize.heapBytes(p.miners().toArray());
        long windows = StateSize.heapBytes(p.windows());
        long halves = StateSize.heapBytes(store);
        double all = (miners + windows) * patternScale + halves * spanScale;
        double rocksdb = miners * patternScale + halves * spanScale;
        double hashmap = all + miners * patternScale;
        long retainedPatterns = RetainedHeap.medianBytes(() -> LogStateCost.build(s.patterns(), s.streams()), s.repetitions());
        long retainedHalves = RetainedHeap.medianBytes(() -> EdgeStateCost.fillQuietly(s.spans()), s.repetitions());
        double retained = retainedPatterns * patternScale + retainedHalves * spanScale;
        f.put("heap_budget_basis", s.budgetSized() ? "measured" : "scaled");
        f.put("heap_100k_patterns_20k_spans_mb", all / MB);
        f.put("heap_100k_patterns_20k_spans_rocksdb_mb", rocksdb / MB);
        f.put("heap_100k_patterns_20k_spans_hashmap_mb", hashmap / MB);
        f.put("heap_100k_patterns_20k_spans_mxbean_mb", retained / MB);
        f.put("heap_100k_patterns_20k_spans_under_200", all / MB < BUDGET_MB);
        f.put("heap_100k_patterns_20k_spans_hashmap_under_200", hashmap / MB < BUDGET_MB);
    }

    /** The largest state value that RocksDB reads and rewrites whole on an update. */
    static void largestRewrite(Figures f) {
        Map<String, String> m = f.asMap();
        String[][] candidates = {
            {"red-series", "red_series_serialized_bytes_max"},
            {"red-windows", "red_window_serialized_bytes"},
            {"log-miner-state", "log_miner_state_serialized_bytes_max"},
            {"log-pattern-windows", "log_pattern_window_serialized_bytes"},
            {"metric-converter-series", "metric_converter_series_serialized_bytes"},
            {"metric-series-minutes", "metric_minute_series_serialized_bytes_max"},
        };
        String name = null;
        double bytes = -1;
        for (String[] c : candidates) {
            double v = Double.parseDouble(m.getOrDefault(c[1], "-1"));
            if (v > bytes) {
                bytes = v;
                name = c[0];
            }
        }
        f.put("rocksdb_largest_rewritten_state", name);
        f.put("rocksdb_largest_rewritten_state_bytes", (long) bytes);
    }
}
