package org.otlpanalytics.jobs.bench.patterns;

import org.otlpanalytics.jobs.bench.HeapPeaks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.otlpanalytics.operators.logs.DrainOptions;
import org.otlpanalytics.operators.logs.LogMasker;

/**
 * Accuracy and throughput of the log template miner on labelled Loghub-2k samples
 * ({@code bin/otlp-analytics bench-patterns [DIR]}).
 *
 * <p>{@code DIR} (default {@code ../shared/datasets/loghub-2k}, relative to the working directory)
 * holds one folder per dataset, each with {@code <name>_2k.log_structured.csv}. One miner per dataset,
 * as the operator keeps one per service, over the {@code Content} column (the message after the Loghub
 * header regex, the standard benchmark setup). Printed:
 *
 * <pre>
 * &lt;name&gt; GA=&lt;x&gt; PA=&lt;y&gt; lines/s=&lt;z&gt;                  in-sample: the default configuration, per dataset
 * average GA=&lt;x&gt; PA=&lt;y&gt;                              unweighted mean over datasets
 * &lt;name&gt; held-out GA=&lt;x&gt; PA=&lt;y&gt; chosen &lt;config&gt;     leave-one-out: parameters chosen on the others
 * leave-one-out average GA=&lt;x&gt; PA=&lt;y&gt;
 * chosen on all: &lt;config&gt; (default|not the default)
 * peak_heap_mb=&lt;n&gt;                                     sum of the heap pools' peak usage
 * average lines/s=&lt;z&gt;                                  mean of the per-dataset rates
 * all lines/s=&lt;z&gt;                                      every dataset mined back to back
 * baseline all lines/s=&lt;z&gt;                             the same-run baseline over the same lines
 * miner_vs_baseline_ratio=&lt;r&gt;                          all lines/s over baseline all lines/s
 * </pre>
 *
 * <p>Leave-one-out ({@link LeaveOneOut}): for each dataset, every configuration of the grid is scored
 * on the other datasets, the best is chosen and scored on the one left out. GA and PA are defined in
 * {@link AccuracyScorer}; groups and templates are taken at the end of the run, with clusters merged
 * during the run counted under their survivor. Throughput covers masking and clustering only (no file
 * reading), with the default configuration: after a warm-up of at least two seconds over the whole
 * set, each figure is the best of three timed runs, each on a fresh miner. The same-run baseline
 * ({@link BenchRun#baselineNanos}) splits every line into words at whitespace and counts lines per
 * (word count, first word) in a hash map: the routing step of the parse tree without masking or
 * matching. Its runs alternate with the miner's, so the ratio of the two is less at the mercy of the
 * machine's load than either figure. {@code --details} also
 * prints every wrongly grouped template of the default configuration to stderr.
 */
public final class PatternAccuracyBench {
    static final String DEFAULT_DIR = "../shared/datasets/loghub-2k";
    private static final int TIMED_RUNS = 3;
    private static final int WARMUP_RUNS = 10;
    private static final long WARMUP_NANOS = 2_000_000_000L;

    private PatternAccuracyBench() {}

    public static void main(String[] args) throws IOException {
        boolean details = false;
        String dir = DEFAULT_DIR;
        for (String arg : args) {
            if ("--details".equals(arg)) {
                details = true;
            } else {
                dir = arg;
            }
        }
        Path root = Path.of(dir);
        List<LoghubDataset> datasets = loadAll(root);
        if (datasets.isEmpty()) {
            System.err.println("no Loghub datasets (<name>/<name>_2k.log_structured.csv) under " + root.toAbsolutePath());
            System.exit(2);
        }
        run(datasets, LogMasker.defaults(), DrainOptions.defaults(), System.out, details ? System.err : null);
    }

    static List<LoghubDataset> loadAll(Path root) throws IOException {
        List<LoghubDataset> datasets = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return datasets;
        }
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.sorted().toList()) {
                if (Files.isDirectory(child) && LoghubDataset.isDataset(child)) {
                    datasets.add(LoghubDataset.load(child));
                }
            }
        }
        return datasets;
    }

    static void run(List<LoghubDataset> datasets, LogMasker masker, DrainOptions options, PrintStream out, PrintStream details) {
        int n = datasets.size();
        List<LeaveOneOut.Config> grid = new ArrayList<>(LeaveOneOut.grid());
        LeaveOneOut.Config defaults = LeaveOneOut.Config.of(options);
        if (!grid.contains(defaults)) {
            grid.add(defaults);
        }
        LeaveOneOut.Scores scores = LeaveOneOut.score(datasets, masker, options, grid);
        int def = grid.indexOf(defaults);
        if (details != null) {
            BenchRun bench = new BenchRun(masker, options);
            for (LoghubDataset ds : datasets) {
                bench.mine(ds).printWrongGroups(ds, details);
            }
        }
        double[] rate = throughput(datasets, new BenchRun(masker, options));
        double sumRate = 0;
        for (int d = 0; d < n; d++) {
            out.printf(Locale.ROOT, "%s GA=%.3f PA=%.3f lines/s=%.0f%n", datasets.get(d).name(), scores.ga()[def][d], scores.pa()[def][d], rate[d]);
            sumRate += rate[d];
        }
        boolean[] all = LeaveOneOut.allBut(n, -1);
        out.printf(Locale.ROOT, "average GA=%.3f PA=%.3f%n", LeaveOneOut.mean(scores.ga()[def], all), LeaveOneOut.mean(scores.pa()[def], all));
        double heldGa = 0;
        double heldPa = 0;
        for (int d = 0; d < n; d++) {
            int c = n > 1 ? LeaveOneOut.choose(scores, LeaveOneOut.allBut(n, d)) : def;
            heldGa += scores.ga()[c][d];
            heldPa += scores.pa()[c][d];
            out.printf(Locale.ROOT, "%s held-out GA=%.3f PA=%.3f chosen %s%n", datasets.get(d).name(), scores.ga()[c][d], scores.pa()[c][d], grid.get(c));
        }
        out.printf(Locale.ROOT, "leave-one-out average GA=%.3f PA=%.3f%n", heldGa / n, heldPa / n);
        int chosen = LeaveOneOut.choose(scores, all);
        out.printf(Locale.ROOT, "chosen on all: %s (%s)%n", grid.get(chosen), chosen == def ? "the default" : "not the default");
        out.printf(Locale.ROOT, "peak_heap_mb=%d%n", HeapPeaks.peakBytes() / (1024 * 1024));
        out.printf(Locale.ROOT, "average lines/s=%.0f%n", sumRate / n);
        out.printf(Locale.ROOT, "all lines/s=%.0f%n", rate[n]);
        out.printf(Locale.ROOT, "baseline all lines/s=%.0f%n", rate[n + 1]);
        out.printf(Locale.ROOT, "miner_vs_baseline_ratio=%.3f%n", rate[n] / rate[n + 1]);
        out.flush();
    }

    /**
     * Lines/s per dataset (best of three after a warm-up), then of all datasets back to back, then of
     * the baseline over all datasets back to back (its runs alternating with the miner's).
     */
    private static double[] throughput(List<LoghubDataset> datasets, BenchRun bench) {
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        for (int w = 0; w < WARMUP_RUNS || System.nanoTime() < warmupEnd; w++) {
            for (LoghubDataset ds : datasets) {
                bench.timeNanos(ds);
                bench.baselineNanos(ds);
            }
        }
        int n = datasets.size();
        double[] rate = new double[n + 2];
        long totalLines = 0;
        for (int d = 0; d < n; d++) {
            LoghubDataset ds = datasets.get(d);
            long best = Long.MAX_VALUE;
            for (int r = 0; r < TIMED_RUNS; r++) {
                best = Math.min(best, bench.timeNanos(ds));
            }
            rate[d] = ds.contents().length * 1e9 / Math.max(best, 1);
            totalLines += ds.contents().length;
        }
        long bestAll = Long.MAX_VALUE;
        long bestBaseline = Long.MAX_VALUE;
        for (int r = 0; r < TIMED_RUNS; r++) {
            long t = 0;
            long b = 0;
            for (LoghubDataset ds : datasets) {
                b += bench.baselineNanos(ds);
                t += bench.timeNanos(ds);
            }
            bestAll = Math.min(bestAll, t);
            bestBaseline = Math.min(bestBaseline, b);
        }
        rate[n] = totalLines * 1e9 / Math.max(bestAll, 1);
        rate[n + 1] = totalLines * 1e9 / Math.max(bestBaseline, 1);
        return rate;
    }
}
