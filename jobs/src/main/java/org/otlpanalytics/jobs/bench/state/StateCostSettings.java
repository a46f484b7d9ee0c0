package org.otlpanalytics.jobs.bench.state;

import org.otlpanalytics.jobs.config.JobOptions;

/**
 * Options of {@code bench-state}: {@code --patterns} (100000) log patterns over {@code --streams}
 * (100) services, {@code --spans} (20000) pending span halves, RED from one minute of shop traffic at
 * {@code --traces-per-second} (1000), {@code --repetitions} (5) of the heap-after-GC measure,
 * {@code --rocksdb} (true) for the RocksDB update costs.
 */
record StateCostSettings(int patterns, int streams, int spans, double redTracesPerSecond, int repetitions, boolean rocksdb) {
    static final int BUDGET_PATTERNS = 100_000;
    static final int BUDGET_SPANS = 20_000;
    static final String PATTERNS = "patterns";
    static final String STREAMS = "streams";
    static final String SPANS = "spans";
    static final String TRACES_PER_SECOND = "traces-per-second";
    static final String REPETITIONS = "repetitions";
    static final String ROCKSDB = "rocksdb";

    StateCostSettings {
        if (patterns < 1 || streams < 1 || streams > patterns || spans < 1 || redTracesPerSecond <= 0 || repetitions < 1) {
            throw new IllegalArgumentException("bench-state needs patterns >= streams >= 1, spans >= 1, traces-per-second > 0 "
                    + "and repetitions >= 1, got patterns=" + patterns + " streams=" + streams + " spans=" + spans
                    + " traces-per-second=" + redTracesPerSecond + " repetitions=" + repetitions);
        }
    }

    static StateCostSettings parse(String[] args) {
        JobOptions o = JobOptions.parse(args, PATTERNS, STREAMS, SPANS, TRACES_PER_SECOND, REPETITIONS, ROCKSDB);
        return new StateCostSettings(
                integer(o, PATTERNS, BUDGET_PATTERNS),
                integer(o, STREAMS, 100),
                integer(o, SPANS, BUDGET_SPANS),
                o.get(TRACES_PER_SECOND) == null ? 1_000 : Double.parseDouble(o.get(TRACES_PER_SECOND)),
                integer(o, REPETITIONS, 5),
                o.get(ROCKSDB) == null || Boolean.parseBoolean(o.get(ROCKSDB)));
    }

    /** Whether the sizes are the budget's own (100k patterns, 20k halves), so the budget is measured, not scaled. */
    boolean budgetSized() {
        return patterns == BUDGET_PATTERNS && spans == BUDGET_SPANS;
    }

    private static int integer(JobOptions o, String key, int dflt) {
        String v = o.get(key);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
        }
    }
}
