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
 * ({@code bin/otlp-analytics bench-patterns [DIR] [--runs N] [--details]}).
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
 * miner lines/s=&lt;z&gt; baseline lines/s=&lt;b&gt; miner_vs_baseline_ratio=&lt;r&gt;
 *                                                       all lines over the sums of the per-dataset best
 *                                                       times of the miner and of the same-run baseline
 * </pre>
 *
 * <p>Leave-one-out ({@link LeaveOneOut}): for each dataset, every configuration of the grid is scored
 * on the other datasets, the best is chosen and scored on the one left out. GA and PA are defined in
 * {@link AccuracyScorer}; groups and templates are taken at the end of the run, with clusters merged
 * during the run counted under their survivor. Throughput covers masking and clustering only (no file
 * reading), with the default configuration: after a warm-up of at least two seconds over the whole
 * set, each figure is the best of three timed runs ({@code --runs N} for more), each on a fresh miner. The same-run baseline
 * ({@link BenchRun#baselineNanos}) splits every line into words at whitespace and counts lines per
 * (word count, first word) in a hash map: the routing step of the parse tree without masking or
 * matching. Its runs alternate with the miner's, so the ratio of the two is less at the mercy of the
 * machine's load than either figure; more runs make both closer to an idle machine's. {@code --details} also
 * prints every wrongly grouped template of the default configuration to stderr.
 */
public final class PatternAccuracyBench {
    static final String DEFAULT_DIR = "../shared/datasets/loghub-2k";
    private static final int DEFAULT_RUNS = 3;
    private static final int WARMUP_RUNS = 10;
    private static final long WARMUP_NANOS = 2_000_000_000L;

    private PatternAccuracyBench() {}

    public static void main(String[] args) throws IOException {
        boolean details = false;
        String dir = DEFAULT_DIR;
        int runs = DEFAULT_RUNS;
        for (int i = 0; i < args.length; i++) {
            if ("--details".equals(args[i])) {
                details = true;
            } else if ("--runs".equals(args[i]) && i + 1 < args.length) {
                runs = Integer.parseInt(args[++i]);
                if (runs < 1) {
                    throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
                }
            } else {
                dir = args[i];
            }
        }
        Path root = Path.of(dir);
        List<LoghubDataset> datasets = loadAll(root);
        if (datasets.isEmpty()) {
            System.err.println("no Loghub datasets (<name>/<name>_2k.log_structured.csv) under " + root.toAbsolutePath());
            System.exit(2);
        }
        run(datasets, LogMasker.defaults(), DrainOptions.defaults(), runs, System.out, details ? System.err : null);
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

    static void run(List<LoghubDataset> datasets, LogMasker masker, DrainOptions options, int runs, PrintStream out, PrintStream details) {
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
        // uncached: the runs repeat the same lines, which the body cache would answer without masking
        double[] rate = throughput(datasets, new BenchRun(masker.uncached(), options), runs);
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
        out.printf(Locale.ROOT, "miner lines/s=%.0f baseline lines/s=%.0f miner_vs_baseline_ratio=%.3f%n",
                rate[n + 1], rate[n + 2], rate[n + 1] / rate[n + 2]);
        out.flush();
    }

    /**
     * Lines/s per dataset (best of {@code runs} after a warm-up), then of all datasets back to back,
     * then of the miner and of the baseline over all lines, each from the sum of its per-dataset best
     * times (the baseline's runs alternate with the miner's on each dataset).
     */
    private static double[] throughput(List<LoghubDataset> datasets, BenchRun bench, int runs) {
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        for (int w = 0; w < WARMUP_RUNS || System.nanoTime() < warmupEnd; w++) {
            for (LoghubDataset ds : datasets) {
                bench.timeNanos(ds);
                bench.baselineNanos(ds);
            }
        }
        int n = datasets.size();
        double[] rate = new double[n + 3];
        long totalLines = 0;
        long sumBest = 0;
        long sumBestBaseline = 0;
        for (int d = 0; d < n; d++) {
            LoghubDataset ds = datasets.get(d);
            long best = Long.MAX_VALUE;
            long bestBaseline = Long.MAX_VALUE;
            for (int r = 0; r < runs; r++) {
                bestBaseline = Math.min(bestBaseline, bench.baselineNanos(ds));
                best = Math.min(best, bench.timeNanos(ds));
            }
            rate[d] = ds.contents().length * 1e9 / Math.max(best, 1);
            totalLines += ds.contents().length;
            sumBest += best;
            sumBestBaseline += bestBaseline;
        }
        long bestAll = Long.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            long t = 0;
            for (LoghubDataset ds : datasets) {
                t += bench.timeNanos(ds);
            }
            bestAll = Math.min(bestAll, t);
        }
        rate[n] = totalLines * 1e9 / Math.max(bestAll, 1);
        rate[n + 1] = totalLines * 1e9 / Math.max(sumBest, 1);
        rate[n + 2] = totalLines * 1e9 / Math.max(sumBestBaseline, 1);
        return rate;
    }
}
