package org.otlpanalytics.operators.logs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Micro benchmark (a {@code main}, not a test) of the logs shuffle's serializers: every Loghub-2k
 * line under {@code DIR} as a decoded record (bench-logs' resource identity, no attributes), written
 * and read back by Flink's POJO serializer and by {@link LogRecordFlatSerializer}, alternately, best
 * of 30 rounds in thread CPU time (which other processes on a loaded machine disturb little), and
 * masked by the default {@link LogMasker}, for scale. Prints {@code name=value} lines.
 *
 * <p>Args: {@code DIR}. Run it with the operators test classpath, e.g.
 * {@code java -cp operators/target/test-classes:operators/target/classes:schemas/target/classes:$(cat jobs/target/launcher-classpath.txt)
 * org.otlpanalytics.operators.logs.LogShuffleSerializerBench ../shared/datasets/loghub-2k}.
 */
public final class LogShuffleSerializerBench {
    private static final int ROUNDS = 30;

    private LogShuffleSerializerBench() {}

    public static void main(String[] args) throws Exception {
        List<LogRecordFlat> records = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
            for (Path f : files.filter(p -> p.toString().endsWith("_2k.log")).sorted().toList()) {
                String service = f.getFileName().toString().replace("_2k.log", "").toLowerCase(Locale.ROOT);
                long offset = 0;
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    LogRecordFlat r = new LogRecordFlat();
                    r.tenant = "bench";
                    r.serviceName = service;
                    r.serviceNamespace = "loghub";
                    r.serviceUrn = "loghub/" + service;
                    r.timeNanos = 1_767_225_600_000_000_000L + offset * 3_600_000_000L;
                    r.severityNumber = 9;
                    r.severityText = "INFO";
                    r.body = line;
                    r.kafkaPartition = (int) (offset % 2);
                    r.kafkaOffset = offset++;
                    records.add(r);
                }
            }
        }
        TypeSerializer<LogRecordFlat> pojo = TypeInformation.of(LogRecordFlat.class).createSerializer(new SerializerConfigImpl());
        TypeSerializer<LogRecordFlat> compact = LogRecordFlatSerializer.TYPE.createSerializer(new SerializerConfigImpl());
        LogMasker masker = LogMasker.defaults();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long bestPojo = Long.MAX_VALUE;
        long bestCompact = Long.MAX_VALUE;
        long bestMask = Long.MAX_VALUE;
        long bytesPojo = 0;
        long bytesCompact = 0;
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            bytesPojo = roundTrip(pojo, records);
            long t1 = mx.getCurrentThreadCpuTime();
            bytesCompact = roundTrip(compact, records);
            long t2 = mx.getCurrentThreadCpuTime();
            for (LogRecordFlat r : records) {
                sink += masker.tokenize(r.body).length;
            }
            long t3 = mx.getCurrentThreadCpuTime();
            bestPojo = Math.min(bestPojo, t1 - t0);
            bestCompact = Math.min(bestCompact, t2 - t1);
            bestMask = Math.min(bestMask, t3 - t2);
        }
        int n = records.size();
        System.out.printf(Locale.ROOT, "records=%d%n", n);
        System.out.printf(Locale.ROOT, "pojo_roundtrip_ns_per_record=%.0f%n", (double) bestPojo / n);
        System.out.printf(Locale.ROOT, "compact_roundtrip_ns_per_record=%.0f%n", (double) bestCompact / n);
        System.out.printf(Locale.ROOT, "compact_vs_pojo_cpu_ratio=%.2f%n", (double) bestCompact / bestPojo);
        System.out.printf(Locale.ROOT, "pojo_bytes_per_record=%.0f%n", (double) bytesPojo / n);
        System.out.printf(Locale.ROOT, "compact_bytes_per_record=%.0f%n", (double) bytesCompact / n);
        System.out.printf(Locale.ROOT, "mask_ns_per_record=%.0f%n", (double) bestMask / n);
        System.out.printf(Locale.ROOT, "check=%d%n", sink % 10);
    }

    /** Writes and reads back every record; returns the bytes written. */
    private static long roundTrip(TypeSerializer<LogRecordFlat> s, List<LogRecordFlat> records) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        DataInputDeserializer in = new DataInputDeserializer();
        long bytes = 0;
        for (LogRecordFlat r : records) {
            out.clear();
            s.serialize(r, out);
            bytes += out.length();
            in.setBuffer(out.getSharedBuffer(), 0, out.length());
            if (s.deserialize(in).body == null) {
                throw new IllegalStateException("lost body");
            }
        }
        return bytes;
    }
}
