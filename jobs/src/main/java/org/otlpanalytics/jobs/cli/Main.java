package org.otlpanalytics.jobs.cli;

import java.util.Arrays;
import org.otlpanalytics.jobs.AnalyticsJob;

/** {@code bin/otlp-analytics <command> [--options]}: the launcher's entry point. */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: otlp-analytics <command> [--option value ...]",
            "  demo            embedded Kafka + PostgreSQL + generator + jobs; prints a RED table (--duration 60s)",
            "  load            --dir DIR --bootstrap-servers HOST:PORT: write captured OTLP files into the topics",
            "  analyze         --dir DIR --out OUT: process a capture on embedded services, write OUT/<table>.csv",
            "  run             --bootstrap-servers HOST:PORT --jdbc-url URL [--jobs red]: run jobs on a local MiniCluster",
            "  bench           decode / RED / RED+PostgreSQL throughput and peak heap",
            "  bench-patterns  [DIR]: log template accuracy (GA/PA) and throughput on Loghub samples",
            "  bench-logs      log records/s through decode + fingerprinting + 5-min counts, decode-only, peak heap",
            "  bench-edges     edge pairing spans/s with 10,000 traces in flight, state held, ratio to decode-only",
            "  bench-metrics   metric points/s through decode + cumulative-to-delta + metric_1m/USE, decode-only, peak heap",
            "See README.md for every option and its default.");

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "demo":
                    DemoCommand.main(rest);
                    break;
                case "load":
                    LoadCommand.main(rest);
                    break;
                case "analyze":
                    AnalyzeCommand.main(rest);
                    break;
                case "run":
                    // a local MiniCluster: checkpoints in a temporary directory unless --checkpoint-dir is given
                    AnalyticsJob.run(org.otlpanalytics.jobs.config.Environments.withLocalCheckpointDir(
                            org.otlpanalytics.jobs.config.JobOptions.parse(rest)));
                    break;
                case "bench":
                    org.otlpanalytics.jobs.bench.RedBench.main(rest);
                    break;
                case "bench-edges":
                    org.otlpanalytics.jobs.bench.edges.EdgePairingBenchmark.main(rest);
                    break;
                case "bench-metrics":
                    org.otlpanalytics.jobs.bench.metrics.MetricsBench.main(rest);
                    break;
                case "bench-logs":
                    org.otlpanalytics.jobs.logs.LogsBench.main(rest);
                    break;
                case "bench-patterns":
                    Class.forName("org.otlpanalytics.jobs.bench.patterns.PatternAccuracyBench")
                            .getMethod("main", String[].class).invoke(null, (Object) rest);
                    break;
                default:
                    System.err.println("unknown command '" + args[0] + "'\n" + USAGE);
                    System.exit(2);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
        System.exit(0);
    }
}
