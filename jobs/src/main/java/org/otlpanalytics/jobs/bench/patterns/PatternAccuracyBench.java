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
 * holds one folder per dataset, each with {@code <name>_2k.log_structured.csv}. Every dataset is mined
 * with the same code and ONE configuration ({@link LogMasker#defaults()}, {@link DrainOptions#defaults()}),
 * one miner per dataset as the operator keeps one per service, over the {@code Content} column (the
 * message after the Loghub header regex, the standard benchmark setup). Printed:
 *
 * <pre>
 * &lt;name&gt; GA=&lt;x&gt; PA=&lt;y&gt; lines/s=&lt;z&gt;      one line per dataset
 * average GA=&lt;x&gt; PA=&lt;y&gt;                  unweighted mean over datasets
 * peak_heap_mb=&lt;n&gt;                         sum of the heap pools' peak usage
 * average lines/s=&lt;z&gt;                      mean of the per-dataset rates
 * all lines/s=&lt;z&gt;                          every dataset mined back to back, total lines / time
 * </pre>
 *
 * <p>GA and PA are defined in {@link AccuracyScorer}; groups and templates are taken at the end of
 * the run, with clusters merged during the run counted under their survivor. Throughput covers masking
 * and clustering only (no file reading): after the accuracy pass and a warm-up over the whole set,
 * each measurement is the best of three timed runs, each on a fresh miner. {@code --details} also
 * prints every wrongly grouped template to stderr.
 */
public final class PatternAccuracyBench {
    static final String DEFAULT_DIR = "../shared/datasets/loghub-2k";
    private static final int TIMED_RUNS = 3;
    private static final int WARMUP_RUNS = 10;

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
        BenchRun bench = new BenchRun(masker, options);
        int n = datasets.size();
        double[] ga = new double[n];
        double[] pa = new double[n];
        for (int d = 0; d < n; d++) {
            LoghubDataset ds = datasets.get(d);
            BenchRun.Outcome outcome = bench.mine(ds);
            ga[d] = AccuracyScorer.groupingAccuracy(ds.eventIds(), outcome.groups());
            pa[d] = AccuracyScorer.parsingAccuracy(ds.eventTemplates(), outcome.templates());
            if (details != null) {
                outcome.printWrongGroups(ds, details);
            }
        }
        for (int w = 0; w < WARMUP_RUNS; w++) {
            for (LoghubDataset ds : datasets) {
                bench.timeNanos(ds);
            }
        }
        double[] rate = new double[n];
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
        for (int r = 0; r < TIMED_RUNS; r++) {
            long t = 0;
            for (LoghubDataset ds : datasets) {
                t += bench.timeNanos(ds);
            }
            bestAll = Math.min(bestAll, t);
        }
        double sumGa = 0;
        double sumPa = 0;
        double sumRate = 0;
        for (int d = 0; d < n; d++) {
            out.printf(Locale.ROOT, "%s GA=%.3f PA=%.3f lines/s=%.0f%n", datasets.get(d).name(), ga[d], pa[d], rate[d]);
            sumGa += ga[d];
            sumPa += pa[d];
            sumRate += rate[d];
        }
        out.printf(Locale.ROOT, "average GA=%.3f PA=%.3f%n", sumGa / n, sumPa / n);
        out.printf(Locale.ROOT, "peak_heap_mb=%d%n", HeapPeaks.peakBytes() / (1024 * 1024));
        out.printf(Locale.ROOT, "average lines/s=%.0f%n", sumRate / n);
        out.printf(Locale.ROOT, "all lines/s=%.0f%n", totalLines * 1e9 / Math.max(bestAll, 1));
        out.flush();
    }
}
