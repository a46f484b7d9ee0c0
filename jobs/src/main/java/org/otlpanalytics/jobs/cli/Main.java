package org.otlpanalytics.jobs.cli;

import java.util.Arrays;

/** {@code bin/otlp-analytics <command> [--options]}: the launcher's entry point. */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: otlp-analytics <command> [--option value ...]",
            "  demo            embedded Kafka + PostgreSQL + generator + jobs; prints a RED table (--duration 60s)",
            "  load            --dir DIR --bootstrap-servers HOST:PORT: write captured OTLP files into the topics",
            "  analyze         --dir DIR --out OUT: process a capture on embedded services, write OUT/<table>.csv",
            "  run             --bootstrap-servers HOST:PORT --jdbc-url URL [--jobs red]: run jobs on a local MiniCluster",
            "  bench           decode / RED / RED+PostgreSQL throughput and peak heap",
            "  bench-patterns  [DIR] [--runs N]: log template GA/PA (in-sample, leave-one-out), miner lines/s vs a same-run baseline",
            "  bench-logs      log records/s through decode + fingerprinting + 5-min counts (heap and RocksDB), decode-only, peak heap",
            "  bench-edges     edge pairing spans/s with 10,000 traces in flight, state held, ratio to decode-only",
            "  bench-clickhouse  RED and log ingest (fingerprints, log_pattern_5m, log_record) into ClickHouse vs decode-only",
            "  bench-metrics   metric points/s through decode + cumulative-to-delta + metric_1m/USE on heap and RocksDB, decode-only, peak heap",
            "  bench-state     state cost: serialized and heap bytes per RED series, span half, log pattern, buffered",
            "                  log record and metric series; heap of 100k patterns + 20k spans; RocksDB update cost",
            "  soak            all pipelines at fixed offered rates (--spans-per-s --logs-per-s --points-per-s --minutes) on a",
            "                  production-configured cluster with a fixed TaskManager heap; lag, checkpoints, heap; --find-max",
            "See README.md for every option and its default.");

    private Main() {}

    /**
     * Sends {@code run}'s full log to a file ({@code --log-dir}, else $OTLP_ANALYTICS_HOME/logs or
     * ~/.otlp-analytics/logs) and keeps the console to errors; must run before any logger exists.
     */
    static void logToFile(String[] args) throws java.io.IOException {
        java.nio.file.Path dir = org.otlpanalytics.jobs.run.RunSettings.defaultLogDir();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--" + org.otlpanalytics.jobs.run.RunSettings.LOG_DIR)) {
                dir = java.nio.file.Paths.get(args[i + 1]);
            } else if (args[i].startsWith("--" + org.otlpanalytics.jobs.run.RunSettings.LOG_DIR + "=")) {
                dir = java.nio.file.Paths.get(args[i].substring(args[i].indexOf('=') + 1));
            }
        }
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path file = dir.resolve(org.otlpanalytics.jobs.run.RunCommand.logFileName(java.time.Instant.now()))
                .toAbsolutePath();
        System.setProperty(org.otlpanalytics.jobs.run.RunCommand.LOG_FILE_PROPERTY, file.toString());
        System.setProperty("log4j2.configurationFile", "log4j2-run.properties");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        // a benchmark ends with where the machine's CPU went meanwhile: "other" is what disturbed it
        org.otlpanalytics.jobs.bench.MachineCpu cpu = org.otlpanalytics.jobs.bench.MachineCpu.of(-1);
        org.otlpanalytics.jobs.bench.MachineCpu.Reading before = args[0].startsWith("bench") ? cpu.read() : null;
        if (before != null) {
            // at exit: every benchmark returns here and main ends with System.exit (their brokers' and clusters'
            // threads linger); a hook, so they are printed also when a benchmark fails
            Runtime.getRuntime().addShutdownHook(new Thread(() -> printMachineCpu(cpu, before), "machine-cpu"));
        }
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
                    logToFile(rest);
                    System.exit(org.otlpanalytics.jobs.run.RunCommand.run(rest));
                    break;
                case "bench":
                    org.otlpanalytics.jobs.bench.RedBench.main(rest);
                    break;
                case "bench-edges":
                    org.otlpanalytics.jobs.bench.edges.EdgePairingBenchmark.main(rest);
                    break;
                case "bench-clickhouse":
                    org.otlpanalytics.jobs.bench.clickhouse.ClickHouseBench.main(rest);
                    break;
                case "bench-metrics":
                    org.otlpanalytics.jobs.bench.metrics.MetricsBench.main(rest);
                    break;
                case "bench-state":
                    org.otlpanalytics.jobs.bench.state.StateCostBench.main(rest);
                    break;
                case "soak":
                    System.exit(org.otlpanalytics.jobs.soak.SoakCommand.run(rest));
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

    /** Where the machine's CPU went since {@code before}, as {@code machine_cpu_<group>_share} lines ("other" disturbed the benchmark). */
    static void printMachineCpu(org.otlpanalytics.jobs.bench.MachineCpu cpu, org.otlpanalytics.jobs.bench.MachineCpu.Reading before) {
        cpu.read().sharesSince(before).forEach((group, share) -> {
            if (!group.equals(org.otlpanalytics.jobs.bench.MachineCpu.TASKMANAGER)) { // a soak's, not a benchmark's
                System.out.printf(java.util.Locale.ROOT, "machine_cpu_%s_share=%.2f%n",
                        group.equals(org.otlpanalytics.jobs.bench.MachineCpu.LAUNCHER) ? "benchmark" : group, share);
            }
        });
        System.out.flush();
    }
}
