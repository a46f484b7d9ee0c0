package org.otlpanalytics.operators.logs;

import static org.otlpanalytics.operators.logs.FingerprinterHarness.T0;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Micro benchmark (a {@code main}, not a test) of what the log miner's state costs on RocksDB against
 * the heap backend: the real {@link LogFingerprinter} in a keyed harness, {@code SERVICES} services
 * holding 100 and 1,000 patterns each, fed {@code RATE} records per second per service (pattern
 * chosen Zipf-like, so a few are hot and many rare) over {@code SECONDS} seconds of event time, a
 * watermark per second (every second is mined), a checkpoint every 10 s of event time. Prints
 * {@code name=value} lines per backend and patterns per service:
 * <ul>
 *   <li>{@code _records_per_s}: records over the wall time of the measured part, checkpoints included;
 *       {@code _cpu_us_per_record}: this thread's CPU time per record (a loaded machine disturbs it less);
 *   <li>{@code _checkpoint_ms}: mean time of a checkpoint (the fingerprinter's synchronous flush of the
 *       streams changed since the last one, then the backend's snapshot, synchronous here: in a job
 *       RocksDB's upload is asynchronous), {@code _checkpoint_share} their share of the wall time;
 *   <li>{@code miner_bytes_per_checkpoint}: the mining state bytes the operator put to keyed state at
 *       each checkpoint (its own count: index and changed entries, {@link LogMinerEntries}); per
 *       record of the interval ({@code _per_record}) and per mined second and service
 *       ({@code _per_bucket}); {@code miner_whole_bytes_}: what the one-value layout of 0.1
 *       ({@code log-miner-state}) wrote instead: every changed service whole (its serialized size,
 *       summed); {@code pending_bytes_per_record}: the buffered record each record adds
 *       to {@code log-pending-records} (written once, read once);
 *   <li>{@code changed_clusters_fraction}: the share of a service's clusters whose size changed between
 *       two checkpoints, i.e. what a layout of one state entry per cluster would still write.
 * </ul>
 * {@code patterns_per_service} is the clusters the trees really hold (the oracle that the data gives
 * the intended count). Args: {@code [SECONDS [RATE [SERVICES]]]}, default 60, 1000, 4. Run it with the
 * operators test classpath, e.g. {@code java -cp operators/target/test-classes:operators/target/classes:schemas/target/classes:$(cat jobs/target/launcher-classpath.txt)
 * org.otlpanalytics.operators.logs.MinerStateBench}.
 */
public final class MinerStateBench {
    private static final int[] PATTERNS = {100, 1_000};
    private static final long CHECKPOINT_MILLIS = 10_000;

    private MinerStateBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int services = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        System.out.printf(Locale.ROOT, "seconds=%d%nrecords_per_s_per_service=%d%nservices=%d%n", seconds, rate, services);
        // warm-up (JIT) on both backends, then the measured runs
        for (StateBackends b : StateBackends.values()) {
            run(b, 100, Math.min(seconds, 20), rate, services, null);
        }
        for (int patterns : PATTERNS) {
            double[] perS = new double[2];
            for (StateBackends b : StateBackends.values()) {
                String prefix = b.name().toLowerCase(Locale.ROOT) + "_p" + patterns;
                perS[b.ordinal()] = run(b, patterns, seconds, rate, services, prefix);
            }
            System.out.printf(Locale.ROOT, "p%d_rocksdb_vs_heap_ratio=%.2f%n", patterns, perS[1] / perS[0]);
        }
    }

    /** One run; prints its figures under {@code prefix} (none when null) and returns records/s. */
    static double run(StateBackends backend, int patterns, int seconds, int rate, int services, String prefix) throws Exception {
        LogPatternOptions o = LogPatternOptions.defaults();
        KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogPatternPartial> h = FingerprinterHarness.harness(o, backend, null);
        LogFingerprinter op = FingerprinterHarness.operator(h);
        SplittableRandom rnd = new SplittableRandom(42);
        double[] cumulative = zipf(patterns);
        long offset = 0;
        long checkpoint = 1;
        // every pattern of every service once, mined, checkpointed: the trees hold their patterns
        long t = T0;
        for (int s = 0; s < services; s++) {
            for (int k = 0; k < patterns; k++) {
                FingerprinterHarness.add(h, FingerprinterHarness.log("svc" + s, t + (k % 1000), 0, offset++, 9, body(k, patterns, rnd)));
            }
        }
        h.processWatermark(new Watermark(t + 999));
        h.snapshot(checkpoint, t + 999);
        h.notifyOfCompletedCheckpoint(checkpoint++);
        int clusters = 0;
        for (int s = 0; s < services; s++) {
            clusters += op.minerState(FingerprinterHarness.key("svc" + s)).tree().clusterCount();
        }
        LogMinerStateSerializer minerSerializer = new LogMinerStateSerializer();
        BufferedLogSerializer pendingSerializer = new BufferedLogSerializer();
        DataOutputSerializer buffer = new DataOutputSerializer(1 << 16);
        Map<Long, Long> lastSizes = sizes(op, services);
        long written0 = op.minerBytesWritten();
        long minerBytes = 0;
        long pendingBytes = 0;
        long changed = 0;
        long clustersSeen = 0;
        int checkpoints = 0;
        long checkpointNanos = 0;
        long records = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int sec = 1; sec <= seconds; sec++) {
            long second = T0 + sec * 1_000L;
            for (int i = 0; i < rate; i++) {
                for (int s = 0; s < services; s++) {
                    int k = pick(cumulative, rnd);
                    LogRecordFlat r = FingerprinterHarness.log("svc" + s, second + (i * 1_000L / rate), i % 2, offset++, 9, body(k, patterns, rnd));
                    FingerprinterHarness.add(h, r);
                    records++;
                    if (prefix != null && records % 97 == 0) {
                        buffer.clear();
                        pendingSerializer.serialize(BufferedLog.of(r, false), buffer);
                        pendingBytes += buffer.length() * 97L;
                    }
                }
            }
            h.processWatermark(new Watermark(second + 999));
            if ((sec * 1_000L) % CHECKPOINT_MILLIS == 0) {
                long c0 = System.nanoTime();
                h.snapshot(checkpoint, second + 999);
                h.notifyOfCompletedCheckpoint(checkpoint++);
                checkpointNanos += System.nanoTime() - c0;
                checkpoints++;
                if (prefix != null) {
                    // not timed: what that checkpoint wrote, and which clusters changed since the last
                    long cpuPause = threads.getCurrentThreadCpuTime();
                    long wallPause = System.nanoTime();
                    for (int s = 0; s < services; s++) {
                        buffer.clear();
                        minerSerializer.serialize(op.minerState(FingerprinterHarness.key("svc" + s)), buffer);
                        minerBytes += buffer.length();
                    }
                    Map<Long, Long> now = sizes(op, services);
                    for (Map.Entry<Long, Long> e : now.entrySet()) {
                        clustersSeen++;
                        if (!e.getValue().equals(lastSizes.get(e.getKey()))) {
                            changed++;
                        }
                    }
                    lastSizes = now;
                    cpu0 += threads.getCurrentThreadCpuTime() - cpuPause;
                    wall0 += System.nanoTime() - wallPause;
                }
            }
        }
        long written = op.minerBytesWritten() - written0;
        double wallS = (System.nanoTime() - wall0) / 1e9;
        double cpuS = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        h.close();
        double perS = records / wallS;
        if (prefix != null) {
            int cp = Math.max(1, checkpoints);
            double perCheckpoint = minerBytes / (double) cp;
            System.out.printf(Locale.ROOT, "%s_patterns_per_service=%d%n", prefix, clusters / services);
            System.out.printf(Locale.ROOT, "%s_records_per_s=%.0f%n", prefix, perS);
            System.out.printf(Locale.ROOT, "%s_cpu_us_per_record=%.2f%n", prefix, cpuS * 1e6 / records);
            System.out.printf(Locale.ROOT, "%s_checkpoint_ms=%.1f%n", prefix, checkpointNanos / 1e6 / cp);
            System.out.printf(Locale.ROOT, "%s_checkpoint_share=%.2f%n", prefix, checkpointNanos / 1e9 / wallS);
            double writtenPerCheckpoint = written / (double) cp;
            double recordsPerCheckpoint = rate * services * (CHECKPOINT_MILLIS / 1000.0);
            double bucketsPerCheckpoint = services * (CHECKPOINT_MILLIS / 1000.0);
            System.out.printf(Locale.ROOT, "%s_miner_bytes_per_checkpoint=%.0f%n", prefix, writtenPerCheckpoint);
            System.out.printf(Locale.ROOT, "%s_miner_bytes_per_record=%.1f%n", prefix, writtenPerCheckpoint / recordsPerCheckpoint);
            System.out.printf(Locale.ROOT, "%s_miner_bytes_per_bucket=%.0f%n", prefix, writtenPerCheckpoint / bucketsPerCheckpoint);
            System.out.printf(Locale.ROOT, "%s_miner_whole_bytes_per_checkpoint=%.0f%n", prefix, perCheckpoint);
            System.out.printf(Locale.ROOT, "%s_miner_whole_bytes_per_record=%.1f%n", prefix, perCheckpoint / recordsPerCheckpoint);
            System.out.printf(Locale.ROOT, "%s_pending_bytes_per_record=%.1f%n", prefix, pendingBytes / (double) records);
            System.out.printf(Locale.ROOT, "%s_changed_clusters_fraction=%.2f%n", prefix, changed / (double) Math.max(1, clustersSeen));
        }
        return perS;
    }

    /** Cluster id to size over all services' trees. */
    private static Map<Long, Long> sizes(LogFingerprinter op, int services) throws Exception {
        Map<Long, Long> out = new HashMap<>();
        for (int s = 0; s < services; s++) {
            for (LogCluster c : op.minerState(FingerprinterHarness.key("svc" + s)).tree().clusters()) {
                out.put(c.id(), c.size());
            }
        }
        return out;
    }

    /**
     * Statement {@code k}: 4 to 13 words of the letters g to z (never masked: no digits, not
     * hexadecimal), then a number that varies per line. The first word (100 values) and the word count
     * (10 values) route a statement to its own leaf for the first 1,000; past that, statements sharing
     * a leaf share no word beyond the first (as {@code bench-state}'s synthetic patterns).
     */
    static String body(int k, int patterns, SplittableRandom rnd) {
        int words = 4 + (k / 100) % 10;
        StringBuilder b = new StringBuilder(words * 8 + 8);
        b.append(word(k % 100));
        for (int i = 1; i < words; i++) {
            b.append(' ').append(word((long) k * 16 + i + 1_000));
        }
        return b.append(' ').append(rnd.nextInt(1, 100_000)).toString();
    }

    /** {@code x} in the letters g to z, at least three letters. */
    private static String word(long x) {
        StringBuilder b = new StringBuilder(8);
        long v = x;
        do {
            b.append((char) ('g' + (int) (v % 20)));
            v /= 20;
        } while (v > 0 || b.length() < 3);
        return b.toString();
    }

    /** Cumulative weights 1/(k+1), normalized. */
    private static double[] zipf(int n) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / (k + 1);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    private static int pick(double[] cumulative, SplittableRandom rnd) {
        double u = rnd.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static List<String> bodies(int patterns) {
        List<String> out = new ArrayList<>(patterns);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int k = 0; k < patterns; k++) {
            out.add(body(k, patterns, rnd));
        }
        return out;
    }
}
