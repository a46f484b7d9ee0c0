package org.otlpanalytics.operators.logs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Micro benchmark (a {@code main}, not a test) of getting a body's masked tokens, in the order
 * {@code bench-logs} gives each of the fingerprinter's two subtasks: the Loghub lines of {@code DIR}
 * (one service per data set, tenant {@code bench}, namespace {@code loghub}), 100 per message of data
 * set k mod n, split by the subtask their service's key group falls on at parallelism 2, 1 million
 * records in all. Per subtask, alternating in one process: the former scanner
 * ({@link MaskingScannerReference}, the same-run baseline), {@link MaskingScanner}, and the default
 * masker with its body cache ({@link LogMasker#tokenize}); each body a fresh string, as deserialized.
 * Prints {@code name=value}: ns per record of each (best of {@code ROUNDS} after a warm-up) and
 * {@code scan_vs_former_ratio} (former's time over the new one's), and the cache's hit share.
 * Args: {@code [DIR [ROUNDS]]}, default {@code ../shared/datasets/loghub-2k}, 5. Run it with the
 * operators test classpath, e.g. {@code java -cp operators/target/test-classes:operators/target/classes:schemas/target/classes:$(cat jobs/target/launcher-classpath.txt)
 * org.otlpanalytics.operators.logs.MaskingBench /work/shared/datasets/loghub-2k}.
 */
public final class MaskingBench {
    private static final int RECORDS = 1_000_000;
    private static final int PER_MESSAGE = 100;
    private static final int PARALLELISM = 2;
    /** The jobs' max parallelism ({@code Environments.MAX_PARALLELISM} in the jobs module), which fixes the key groups. */
    private static final int MAX_PARALLELISM = 128;

    private MaskingBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/datasets/loghub-2k");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<List<String>> sets = new ArrayList<>();
        List<Integer> subtaskOf = new ArrayList<>();
        try (Stream<Path> subs = Files.list(dir)) {
            for (Path sub : subs.sorted().toList()) {
                Path log = sub.resolve(sub.getFileName() + "_2k.log");
                if (Files.isRegularFile(log)) {
                    sets.add(Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList());
                    String service = sub.getFileName().toString().toLowerCase(Locale.ROOT);
                    String key = LogFingerprinter.serviceKey("bench", ResourceInfo.serviceUrn("loghub", service));
                    subtaskOf.add(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, PARALLELISM));
                }
            }
        }
        List<List<String>> orders = new ArrayList<>();
        for (int p = 0; p < PARALLELISM; p++) {
            orders.add(new ArrayList<>());
        }
        int[] cursor = new int[sets.size()];
        for (int written = 0, message = 0; written < RECORDS; message++) {
            int d = message % sets.size();
            for (int i = 0; i < PER_MESSAGE && written < RECORDS; i++, written++) {
                List<String> lines = sets.get(d);
                orders.get(subtaskOf.get(d)).add(lines.get(cursor[d]++ % lines.size()));
            }
        }
        System.out.printf(Locale.ROOT, "services=%d%nsubtask_of_services=%s%n", sets.size(), subtaskOf);
        for (int p = 0; p < PARALLELISM; p++) {
            List<String> order = orders.get(p);
            long former = Long.MAX_VALUE;
            long scan = Long.MAX_VALUE;
            long cached = Long.MAX_VALUE;
            long sink = 0;
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                long t0 = System.nanoTime();
                for (String body : order) {
                    sink += MaskingScannerReference.scan(new String(body)).length;
                }
                long t1 = System.nanoTime();
                for (String body : order) {
                    sink += MaskingScanner.scan(new String(body)).length;
                }
                long t2 = System.nanoTime();
                LogMasker masker = LogMasker.builder().build();
                for (String body : order) {
                    sink += masker.tokenize(new String(body)).length;
                }
                long t3 = System.nanoTime();
                if (r >= 0) {
                    former = Math.min(former, t1 - t0);
                    scan = Math.min(scan, t2 - t1);
                    cached = Math.min(cached, t3 - t2);
                }
            }
            String n = "subtask" + p;
            System.out.printf(Locale.ROOT, "%s_records=%d%n", n, order.size());
            System.out.printf(Locale.ROOT, "%s_former_scan_ns_per_record=%.0f%n", n, former / (double) order.size());
            System.out.printf(Locale.ROOT, "%s_scan_ns_per_record=%.0f%n", n, scan / (double) order.size());
            System.out.printf(Locale.ROOT, "%s_cached_ns_per_record=%.0f%n", n, cached / (double) order.size());
            System.out.printf(Locale.ROOT, "%s_scan_vs_former_ratio=%.2f%n", n, former / (double) scan);
            System.out.printf(Locale.ROOT, "%s_checksum=%d%n", n, sink);
        }
    }
}
