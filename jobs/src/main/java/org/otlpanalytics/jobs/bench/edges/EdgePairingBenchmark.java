package org.otlpanalytics.jobs.bench.edges;

import org.otlpanalytics.jobs.bench.HeapPeaks;
import org.otlpanalytics.jobs.bench.RoundRatios;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.edges.EdgesJob;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.jobs.ingest.IngestOptions;
import org.otlpanalytics.jobs.edges.EdgesOutputs;
import org.otlpanalytics.operators.edges.Edge;
import org.otlpanalytics.operators.edges.EdgePairer;
import org.otlpanalytics.operators.edges.EdgeStore;
import org.otlpanalytics.operators.edges.EdgeStoreOptions;
import org.otlpanalytics.operators.edges.LocalPairingBuffer;
import org.otlpanalytics.operators.edges.OfferResult;
import org.otlpanalytics.operators.edges.PairableSpanFilter;
import org.otlpanalytics.operators.edges.PendingSpan;
import org.otlpanalytics.operators.edges.PendingSpanMapper;
import org.otlpanalytics.operators.edges.PendingSpanSerializer;
import org.otlpanalytics.operators.edges.PeerNamer;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * {@code bench-edges}: shop traffic at a rate that keeps about 10,000 traces in flight in the
 * pairing state (their unpaired database/cache calls wait the 10 s TTL), measured twice in one
 * run, each against a decode-only baseline of the same run (the machine-noise-free figure):
 * <ol>
 *   <li>in process, one thread: decode, then decode + pairing (the {@link EdgeStore} twin of the
 *       operator, same decisions), sampling the halves, traces and serialized bytes held;
 *   <li>on a local MiniCluster reading an embedded Kafka topic, bounded: decode only, decode +
 *       {@link EdgePairer}, and the whole edge pipeline with discarding sinks, the last two on the
 *       heap state backend and on RocksDB (production's, where every state access serializes).
 * </ol>
 * Flink rounds interleave the variants (decode only, then the others on both backends); each
 * variant's ratio to decode-only is taken within its round (under the same load) and the median
 * of the rounds' ratios is printed, with the per-round ratios and CPU per span beside it. Runs are
 * timed from the first span read to the last result delivered ({@link EndOfInputClock}: start-up and the
 * final checkpoint's wait left out, the latter printed as {@code *_tail_seconds_rounds}). Beside the throughput (wall time) each run's CPU time is measured, and
 * {@code *_vs_decode_cpu_ratio} = decode-only CPU per span / pipeline CPU per span: the share of
 * decode-only throughput the pipeline reaches when it has the cores to itself, and a figure
 * that other load on the machine moves much less than wall time.
 * Prints {@code name=value} lines. Options: {@code --spans} (10000000; the in-process runs take the first million),
 * {@code --traces-per-second} (1400), {@code --parallelism} (2), {@code --rounds} (3),
 * {@code --backends} ({@code hashmap,rocksdb}), {@code --partition-traces-by-id} (false: messages
 * round-robin over the partitions; true: one message per trace, keyed by its trace id, as the
 * Collector's Kafka exporter sends them with {@code partition_traces_by_id}, so both halves of
 * every call reach one source subtask).
 */
public final class EdgePairingBenchmark {
    static final String SPANS = "spans";
    static final String RATE = "traces-per-second";
    static final String ROUNDS = "rounds";
    /**
     * Enough spans that a decode-only round lasts seconds, not one (7 s at 1.4 million spans a
     * second, load average 8 on 2 cores), so that the rounds' ratios are not at the mercy of a
     * second of noise. An earlier run of 4 million stalled after a restart: see {@link #run}.
     */
    static final long DEFAULT_SPANS = 10_000_000L;
    /** The in-process runs (one thread, no noise from the cluster) take the first million spans only. */
    static final long IN_PROCESS_SPANS = 1_000_000L;
    /** Comma-separated state backends of the pipeline runs (default both); one backend alone is for profiling it. */
    static final String BACKENDS_OPTION = "backends";
    /** Messages keyed by trace id (the Collector's {@code partition_traces_by_id}) instead of round-robin. */
    static final String BY_TRACE_OPTION = "partition-traces-by-id";
    /** The watermark lag of the in-process run; the Flink runs use the same out-of-orderness. */
    static final long OUT_OF_ORDERNESS_MILLIS = 1_000L;
    static final int EXPIRE_EVERY = 1_000;
    /** Source subtasks of the in-process local pairing (the Flink runs' parallelism) and their bound (the job's). */
    static final int LOCAL_PARTITIONS = 2;
    static final int LOCAL_MAX_HELD = 20_000;
    /**
     * Spans between two watermarks of the in-process local pairing: a source subtask's watermark
     * comes every 200 ms, about 40,000 spans at 200,000 spans/s.
     */
    static final int LOCAL_WATERMARK_EVERY = 40_000;
    static final int SAMPLE_EVERY = 50_000;
    /** A round's decode-only and whole-pipeline runs are repeated until they last this long in all ({@link #runFor}). */
    static final double MIN_ROUND_SECONDS = 10.0;
    static final String HEAP = "hashmap";
    /** The Flink runs on the heap backend and on RocksDB (production's), with the same data. */
    static final String[] BACKENDS = {HEAP, "rocksdb"};

    private EdgePairingBenchmark() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, SPANS, RATE, ROUNDS, BACKENDS_OPTION, BY_TRACE_OPTION);
        long target = given.get(SPANS) == null ? DEFAULT_SPANS : Long.parseLong(given.get(SPANS));
        double rate = given.get(RATE) == null ? 1400 : Double.parseDouble(given.get(RATE));
        int rounds = given.get(ROUNDS) == null ? 3 : Integer.parseInt(given.get(ROUNDS));
        List<byte[]> messages = generate(target, rate);
        SpanDecoder decoder = new SpanDecoder(Encoding.OTLP_PROTO);
        long spans = decodeAll(decoder, messages, new ArrayList<>());
        System.out.println("bench_spans=" + spans);
        System.out.println("bench_messages=" + messages.size());
        System.out.printf("traces_per_s_event_time=%.0f%n", rate);
        System.out.println("edges_store_ttl_ms=" + EdgeStoreOptions.defaults().ttlMillis());

        inProcess(decoder, firstSpans(decoder, messages, IN_PROCESS_SPANS), rounds);
        onMiniCluster(given, messages, spans, rounds);
        System.out.printf("peak_heap_mb=%.0f%n", HeapPeaks.peakBytes() / 1048576.0);
    }

    static List<byte[]> generate(long targetSpans, double rate) throws Exception {
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        TelemetryGenerator g = new TelemetryGenerator(1, "default").withLogs(false).withMetrics(false);
        SpanDecoder counter = new SpanDecoder(Encoding.OTLP_PROTO);
        List<SpanRecord> scratch = new ArrayList<>();
        List<byte[]> out = new ArrayList<>();
        long spans = 0;
        for (long t = start; spans < targetSpans; t += 10_000) {
            for (TelemetryGenerator.Message m : g.generate(t, 10_000, rate)) {
                out.add(m.value);
                scratch.clear();
                spans += counter.decode(m.value, 0, out.size(), scratch);
            }
        }
        return out;
    }

    /** The first messages holding at least {@code spans} spans (all of them when they hold fewer). */
    static List<byte[]> firstSpans(SpanDecoder d, List<byte[]> messages, long spans) throws Exception {
        List<SpanRecord> scratch = new ArrayList<>();
        long n = 0;
        int i = 0;
        while (i < messages.size() && n < spans) {
            scratch.clear();
            n += d.decode(messages.get(i), 0, i, scratch);
            i++;
        }
        return new ArrayList<>(messages.subList(0, i));
    }

    static long decodeAll(SpanDecoder d, List<byte[]> messages, List<SpanRecord> out) throws Exception {
        long n = 0;
        for (int i = 0; i < messages.size(); i++) {
            out.clear();
            n += d.decode(messages.get(i), 0, i, out);
        }
        return n;
    }

    /** Decode-only and decode + pairing, best of {@code rounds}, plus what the pairing state holds. */
    static void inProcess(SpanDecoder d, List<byte[]> messages, int rounds) throws Exception {
        List<SpanRecord> scratch = new ArrayList<>();
        long spans = decodeAll(d, messages, scratch); // and a warm-up
        System.out.println("inproc_spans=" + spans);
        pair(d, messages, null);
        long[] shipped = new long[1];
        pairLocally(d, messages, LOCAL_PARTITIONS, shipped);
        double decode = 0;
        double pairing = 0;
        double local = 0;
        double[] cpuNs = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        StateSample sample = new StateSample();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            decodeAll(d, messages, scratch);
            decode = Math.max(decode, spans / ((System.nanoTime() - t0) / 1e9));
            cpuNs[0] = Math.min(cpuNs[0], (threads.getCurrentThreadCpuTime() - c0) / (double) spans);
            t0 = System.nanoTime();
            c0 = threads.getCurrentThreadCpuTime();
            pair(d, messages, null);
            pairing = Math.max(pairing, spans / ((System.nanoTime() - t0) / 1e9));
            cpuNs[1] = Math.min(cpuNs[1], (threads.getCurrentThreadCpuTime() - c0) / (double) spans);
            t0 = System.nanoTime();
            c0 = threads.getCurrentThreadCpuTime();
            pairLocally(d, messages, LOCAL_PARTITIONS, shipped);
            local = Math.max(local, spans / ((System.nanoTime() - t0) / 1e9));
            cpuNs[2] = Math.min(cpuNs[2], (threads.getCurrentThreadCpuTime() - c0) / (double) spans);
        }
        EdgeStore store = pair(d, messages, sample);
        System.out.printf("inproc_decode_spans_per_s=%.0f%n", decode);
        System.out.printf("inproc_pairing_spans_per_s=%.0f%n", pairing);
        System.out.printf("inproc_pairing_vs_decode_ratio=%.2f%n", pairing / decode);
        System.out.printf("inproc_local_pairing_spans_per_s=%.0f%n", local);
        System.out.printf("inproc_local_pairing_vs_decode_ratio=%.2f%n", local / decode);
        System.out.printf("inproc_decode_cpu_ns_per_span=%.0f%n", cpuNs[0]);
        System.out.printf("inproc_pairing_cpu_ns_per_span=%.0f%n", cpuNs[1]);
        System.out.printf("inproc_local_pairing_cpu_ns_per_span=%.0f%n", cpuNs[2]);
        System.out.println("inproc_local_pairing_halves_shipped=" + shipped[0]);
        System.out.printf("traces_in_flight_avg=%.0f%n", sample.traces / (double) sample.samples);
        System.out.println("traces_in_flight_max=" + sample.maxTraces);
        System.out.printf("pending_halves_avg=%.0f%n", sample.halves / (double) sample.samples);
        System.out.println("pending_halves_max=" + sample.maxHalves);
        System.out.println("state_serialized_bytes_max=" + sample.maxBytes);
        System.out.printf("state_serialized_bytes_per_half=%.1f%n", sample.bytes / (double) Math.max(1, sample.halves));
        System.out.println("state_heap_bytes_max_approx=" + sample.maxHeap);
        for (OfferResult.Outcome o : OfferResult.Outcome.values()) {
            System.out.println("outcome_" + o.metricName() + "=" + store.count(o));
        }
        System.out.println("outcome_edgesExpired=" + store.edgesExpired());
    }

    /**
     * As {@link #pair}, with the messages spread over {@code partitions} source subtasks as the
     * Flink runs spread them, each pairing locally first ({@link LocalPairingBuffer}, as the job's
     * {@code edge-local-pairer}) and shipping the rest to the store before every watermark
     * ({@link #LOCAL_WATERMARK_EVERY} spans apart); counts
     * the halves shipped in {@code shipped[0]}. No serialization, as in {@link #pair}.
     */
    static EdgeStore pairLocally(SpanDecoder d, List<byte[]> messages, int partitions, long[] shipped) throws Exception {
        EdgeStore store = new EdgeStore(EdgeStoreOptions.defaults());
        long ttl = store.options().ttlMillis();
        LocalPairingBuffer[] buffers = new LocalPairingBuffer[partitions];
        for (int i = 0; i < partitions; i++) {
            buffers[i] = new LocalPairingBuffer(LOCAL_MAX_HELD);
        }
        List<SpanRecord> spans = new ArrayList<>();
        long[] sink = {0};
        long watermark = Long.MIN_VALUE;
        long maxStart = Long.MIN_VALUE;
        long seen = 0;
        shipped[0] = 0;
        java.util.function.Consumer<PendingSpan> ship = p -> {
            shipped[0]++;
            sink[0] += store.offer(p).hasEdge() ? 1 : 0;
            for (PendingSpan e : store.takeExpiredEarly()) {
                sink[0] += PeerNamer.virtualEdge(e) == null ? 0 : 1;
            }
        };
        for (int i = 0; i < messages.size(); i++) {
            LocalPairingBuffer b = buffers[i % partitions];
            spans.clear();
            d.decode(messages.get(i), 0, i, spans);
            for (int j = 0; j < spans.size(); j++) {
                SpanRecord s = spans.get(j);
                maxStart = Math.max(maxStart, s.startMillis());
                if (PendingSpan.isPairable(s)) {
                    if (b.isFull()) {
                        b.drain(ship);
                    }
                    OfferResult r = b.offer(PendingSpan.of(s, PendingSpan.eventTimeMillis(s), ttl), watermark);
                    sink[0] += r != null && r.hasEdge() ? 1 : 0;
                }
                if (++seen % LOCAL_WATERMARK_EVERY == 0) {
                    for (LocalPairingBuffer all : buffers) {
                        all.drain(ship);
                    }
                    watermark = maxStart - OUT_OF_ORDERNESS_MILLIS;
                    for (PendingSpan p : store.expire(watermark)) {
                        sink[0] += PeerNamer.virtualEdge(p) == null ? 0 : 1;
                    }
                }
            }
        }
        for (LocalPairingBuffer all : buffers) {
            all.drain(ship);
        }
        store.expire(Long.MAX_VALUE);
        if (sink[0] < 0) {
            throw new IllegalStateException("unreachable");
        }
        return store;
    }

    /** Decodes and pairs every message in order, expiring with a watermark 1 s behind the newest start. */
    static EdgeStore pair(SpanDecoder d, List<byte[]> messages, StateSample sample) throws Exception {
        EdgeStore store = new EdgeStore(EdgeStoreOptions.defaults());
        List<SpanRecord> spans = new ArrayList<>();
        long maxStart = Long.MIN_VALUE;
        long seen = 0;
        long sink = 0;
        for (int i = 0; i < messages.size(); i++) {
            spans.clear();
            d.decode(messages.get(i), 0, i, spans);
            for (int j = 0; j < spans.size(); j++) {
                SpanRecord s = spans.get(j);
                maxStart = Math.max(maxStart, s.startMillis());
                OfferResult r = store.offer(s);
                sink += r.hasEdge() ? 1 : 0;
                if (++seen % EXPIRE_EVERY == 0) {
                    for (PendingSpan p : store.expire(maxStart - OUT_OF_ORDERNESS_MILLIS)) {
                        sink += PeerNamer.virtualEdge(p) == null ? 0 : 1;
                    }
                }
                if (sample != null && seen % SAMPLE_EVERY == 0 && seen > SAMPLE_EVERY * 4L) {
                    sample.take(store);
                }
            }
        }
        store.expire(Long.MAX_VALUE);
        if (sink < 0) {
            throw new IllegalStateException("unreachable");
        }
        return store;
    }

    /** Samples of the pairing state at steady state (after the first 200,000 spans). */
    static final class StateSample {
        long samples;
        long traces;
        long maxTraces;
        long halves;
        long maxHalves;
        long bytes;
        long maxBytes;
        long maxHeap;

        void take(EdgeStore store) {
            Set<List<Long>> traceIds = new HashSet<>();
            CountingStream counter = new CountingStream();
            DataOutputStream out = new DataOutputStream(counter);
            store.forEachPending(p -> {
                traceIds.add(List.of(p.traceIdHi(), p.traceIdLo()));
                try {
                    PendingSpanSerializer.write(p, out);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // keyed state adds per half the map key (8 bytes) and per trace its key and key group (10 bytes)
            long serialized = counter.count + 8L * store.size() + 10L * traceIds.size();
            samples++;
            traces += traceIds.size();
            maxTraces = Math.max(maxTraces, traceIds.size());
            halves += store.size();
            maxHalves = Math.max(maxHalves, store.size());
            bytes += counter.count;
            maxBytes = Math.max(maxBytes, serialized);
            maxHeap = Math.max(maxHeap, store.approxHeapBytes());
        }
    }

    /** Counts bytes written. */
    static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** The same bytes in an embedded Kafka topic, read by bounded jobs: decode only, + pairing, + whole edge pipeline. */
    static void onMiniCluster(JobOptions given, List<byte[]> messages, long spans, int rounds) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int partitions = given.getInt(JobOptions.PARALLELISM);
            String topic = "bench_edge_spans";
            kafka.createTopics(partitions, topic, "bench_deadletter");
            boolean byTrace = Boolean.parseBoolean(given.get(BY_TRACE_OPTION));
            long records = 0;
            try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
                for (int i = 0; i < messages.size(); i++) {
                    if (byTrace) {
                        // Kafka's default partitioner places each trace by its key, as behind the Collector
                        for (TraceIdPartitioning.Keyed k : TraceIdPartitioning.split(messages.get(i))) {
                            p.send(new ProducerRecord<>(topic, k.key(), k.value()));
                            records++;
                        }
                    } else {
                        p.send(new ProducerRecord<>(topic, i % partitions, null, messages.get(i)));
                        records++;
                    }
                }
                p.flush();
            }
            System.out.println("flink_partition_traces_by_id=" + byTrace);
            System.out.println("flink_topic_messages=" + records);
            messages.clear(); // in the topic now: the heap they took goes back to the runs (4 million spans are about a GB)
            // checkpoints to files: the JobManager's in-memory storage refuses state of more than a few
            // MB, which the pipeline's reaches on long inputs (each such checkpoint then failed)
            JobOptions o = Environments.withLocalCheckpointDir(given).with(JobOptions.BOOTSTRAP, kafka.bootstrapServers())
                    .with(JobOptions.BOUNDED, "true").with(JobOptions.STARTING_OFFSETS, "earliest")
                    .with(JobOptions.SPANS_TOPIC, topic).with(JobOptions.DEAD_LETTER_TOPIC, "bench_deadletter")
                    .with(JobOptions.CHECKPOINT_INTERVAL, "10s").with(JobOptions.OUT_OF_ORDERNESS, "1s");
            String[] backends = given.get(BACKENDS_OPTION) == null ? BACKENDS : given.get(BACKENDS_OPTION).split(",");
            run(o, 0, HEAP); // warm-up
            for (String b : backends) {
                run(o, 2, b);
            }
            // rounds interleave the variants, each round's ratios taken against that round's decode-only run
            double[] decode = new double[rounds];
            double[] decodeCpu = new double[rounds];
            double[][] pairing = new double[backends.length][rounds];
            double[][] full = new double[backends.length][rounds];
            double[][] fullCpu = new double[backends.length][rounds];
            double[][] pairingRatio = new double[backends.length][rounds];
            double[][] fullRatio = new double[backends.length][rounds];
            double[][] cpuRatio = new double[backends.length][rounds];
            // the share of the machine's cores the process had during a run: what other load left it
            double[] decodeShare = new double[rounds];
            double[][] fullShare = new double[backends.length][rounds];
            // the seconds each job took after its last result (the final checkpoint's wait), left out of its time
            double[] decodeTail = new double[rounds];
            double[][] fullTail = new double[backends.length][rounds];
            double[] decodeJit = new double[rounds];
            double[] decodeGc = new double[rounds];
            double[][] fullJit = new double[backends.length][rounds];
            double[] decodeJitCpu = new double[rounds];
            double[][] fullJitCpu = new double[backends.length][rounds];
            double[][] fullGc = new double[backends.length][rounds];
            for (int r = 0; r < rounds; r++) {
                Measurement d = runFor(o, 0, HEAP);
                decode[r] = spans / d.seconds();
                decodeCpu[r] = d.cpuSeconds();
                decodeShare[r] = d.coreShare();
                decodeTail[r] = d.tailSeconds();
                decodeJit[r] = d.jitSeconds();
                decodeJitCpu[r] = d.jitCpuSeconds();
                decodeGc[r] = d.gcSeconds();
                for (int b = 0; b < backends.length; b++) {
                    pairing[b][r] = spans / run(o, 1, backends[b]).seconds();
                    Measurement f = runFor(o, 2, backends[b]);
                    full[b][r] = spans / f.seconds();
                    fullCpu[b][r] = f.cpuSeconds();
                    fullShare[b][r] = f.coreShare();
                    fullTail[b][r] = f.tailSeconds();
                    fullJit[b][r] = f.jitSeconds();
                    fullJitCpu[b][r] = f.jitCpuSeconds();
                    fullGc[b][r] = f.gcSeconds();
                    pairingRatio[b][r] = pairing[b][r] / decode[r];
                    fullRatio[b][r] = full[b][r] / decode[r];
                    cpuRatio[b][r] = decodeCpu[r] / fullCpu[b][r];
                }
            }
            System.out.println("flink_parallelism=" + partitions);
            System.out.println("flink_rounds=" + rounds);
            System.out.printf("flink_decode_spans_per_s=%.0f%n", RoundRatios.median(decode));
            System.out.printf("flink_decode_seconds_per_round=%.2f%n", spans / RoundRatios.median(decode));
            System.out.printf("flink_decode_cpu_us_per_span=%.2f%n", RoundRatios.median(decodeCpu) * 1e6 / spans);
            System.out.println("flink_decode_cpu_us_per_span_rounds=" + perSpan(decodeCpu, spans));
            System.out.println("flink_decode_core_share_rounds=" + RoundRatios.format(decodeShare));
            System.out.println("flink_decode_tail_seconds_rounds=" + RoundRatios.format(decodeTail));
            System.out.println("flink_decode_jit_seconds_rounds=" + RoundRatios.format(decodeJit));
            System.out.println("flink_decode_jit_cpu_seconds_rounds=" + RoundRatios.format(decodeJitCpu));
            System.out.println("flink_decode_gc_seconds_rounds=" + RoundRatios.format(decodeGc));
            for (int b = 0; b < backends.length; b++) {
                String n = backends[b].equals(HEAP) ? "" : "_" + backends[b];
                System.out.printf("flink_pairing%s_spans_per_s=%.0f%n", n, RoundRatios.median(pairing[b]));
                System.out.printf("flink_pairing%s_vs_decode_ratio=%.2f%n", n, RoundRatios.median(pairingRatio[b]));
                System.out.println("flink_pairing" + n + "_vs_decode_ratio_rounds=" + RoundRatios.format(pairingRatio[b]));
                System.out.printf("flink_edges_pipeline%s_spans_per_s=%.0f%n", n, RoundRatios.median(full[b]));
                System.out.printf("flink_edges_pipeline%s_vs_decode_ratio=%.2f%n", n, RoundRatios.median(fullRatio[b]));
                System.out.println("flink_edges_pipeline" + n + "_vs_decode_ratio_rounds=" + RoundRatios.format(fullRatio[b]));
                System.out.printf("flink_edges_pipeline%s_cpu_us_per_span=%.2f%n", n, RoundRatios.median(fullCpu[b]) * 1e6 / spans);
                System.out.println("flink_edges_pipeline" + n + "_cpu_us_per_span_rounds=" + perSpan(fullCpu[b], spans));
                System.out.println("flink_edges_pipeline" + n + "_core_share_rounds=" + RoundRatios.format(fullShare[b]));
                System.out.println("flink_edges_pipeline" + n + "_tail_seconds_rounds=" + RoundRatios.format(fullTail[b]));
                System.out.println("flink_edges_pipeline" + n + "_jit_seconds_rounds=" + RoundRatios.format(fullJit[b]));
                System.out.println("flink_edges_pipeline" + n + "_jit_cpu_seconds_rounds=" + RoundRatios.format(fullJitCpu[b]));
                System.out.println("flink_edges_pipeline" + n + "_gc_seconds_rounds=" + RoundRatios.format(fullGc[b]));
                System.out.printf("flink_edges_pipeline%s_vs_decode_cpu_ratio=%.2f%n", n, RoundRatios.median(cpuRatio[b]));
                System.out.println("flink_edges_pipeline" + n + "_vs_decode_cpu_ratio_rounds=" + RoundRatios.format(cpuRatio[b]));
            }
            if (backends.length == 2 && backends[0].equals(HEAP)) {
                System.out.printf("flink_edges_pipeline_%s_vs_heap_ratio=%.2f%n", backends[1],
                        RoundRatios.median(full[1]) / RoundRatios.median(full[0]));
            }
        }
    }

    /** CPU microseconds per span of each round, two decimals, comma-separated. */
    static String perSpan(double[] cpuSeconds, long spans) {
        double[] us = new double[cpuSeconds.length];
        for (int i = 0; i < us.length; i++) {
            us[i] = cpuSeconds[i] * 1e6 / spans;
        }
        return RoundRatios.format(us);
    }

    /**
     * Runs a variant again until its runs last {@link #MIN_ROUND_SECONDS} in all, and returns their
     * mean. Why: a decode-only run of 10 million spans lasts 3 to 4 s, and each round's ratios are
     * taken against it, so one burst of other load in those seconds moved every ratio of the round
     * (one run of 6 December, by round: heap 0.35, 0.97, 0.56, RocksDB 0.29, 1.06, 0.25).
     */
    static Measurement runFor(JobOptions o, int variant, String backend) throws Exception {
        double seconds = 0;
        double cpu = 0;
        double tail = 0;
        double jit = 0;
        double jitCpu = 0;
        double gc = 0;
        int runs = 0;
        while (seconds < MIN_ROUND_SECONDS) {
            Measurement m = run(o, variant, backend);
            seconds += m.seconds();
            cpu += m.cpuSeconds();
            tail += m.tailSeconds();
            jit += m.jitSeconds();
            jitCpu += m.jitCpuSeconds();
            gc += m.gcSeconds();
            runs++;
        }
        return new Measurement(seconds / runs, cpu / runs, tail / runs, jit / runs, jitCpu / runs, gc / runs);
    }

    /**
     * Runs one variant to the end of the topic on a state backend; returns the seconds from the
     * first span read to the last result delivered. Job start-up (deploying the tasks, opening RocksDB)
     * is left out: it is a fixed cost that differs by variant and backend and, in runs of a few
     * seconds, would weigh more than the work measured. So is the job's wait for its final
     * checkpoint after the last result ({@link EndOfInputClock}), 0.1 to 1.6 s measured.
     *
     * <p>A failed checkpoint is tolerated three times, as in {@code flink-conf/config.yaml}, and
     * any failure ends the benchmark ({@code restart-strategy none}) instead of restarting the
     * job: a bounded Kafka source restored by a global failover never finishes (its enumerator,
     * recreated from the checkpoint, finds no new partition and never signals "no more splits",
     * FLINK-31006), which is how a run of 4 million spans once read nothing for 27 minutes after
     * a failed asynchronous checkpoint had restarted the job. The checkpoints failed because they
     * went to the JobManager's in-memory storage (no checkpoint directory was given), whose limit
     * of a few MB the pipeline's state passes on long inputs; they now go to a temporary directory.
     */
    static Measurement run(JobOptions o, int variant, String backend) throws Exception {
        o = o.with(JobOptions.STATE_BACKEND, backend).with(JobOptions.RESTART_STRATEGY, "none");
        org.apache.flink.configuration.Configuration conf = Environments.configuration(o);
        conf.set(org.apache.flink.configuration.CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Environments.configure(env, o);
        String topic = o.require(JobOptions.SPANS_TOPIC);
        IngestOptions in = IngestOptions.of(o).withGroupIdPrefix("bench-edges-" + variant + "-" + System.nanoTime());
        DataStream<SpanRecord> spans = IngestStage.fromKafka(env, in, topic, new SpanDecoder(in.encoding()), SpanRecord.class,
                TypeInformation.of(SpanRecord.class), "spans", "edge-spans").records()
                .map(new FirstRecordClock<>()).name("first-record-clock");
        if (variant == 0) {
            discard(spans, "discard");
        } else if (variant == 1) {
            discard(spans.filter(new PairableSpanFilter()).name("edge-pairable-spans")
                    .map(new PendingSpanMapper(EdgeStoreOptions.defaults())).returns(PendingSpanSerializer.TYPE)
                    .name("edge-halves")
                    .keyBy(EdgePairer::traceKey, Types.LONG)
                    .transform("edge-pairer", TypeInformation.of(Edge.class),
                            new EdgePairer(EdgeStoreOptions.defaults())), "discard");
        } else {
            EdgesOutputs out = EdgesJob.buildPipeline(spans, EdgesJob.Settings.of(o));
            discard(out.serviceCalls(), "discard-calls");
            discard(out.topology(), "discard-topology");
            out.liveEdges().ifPresent(live -> discard(live, "discard-live"));
        }
        long jit0 = jitMillis();
        long jitCpu0 = CompilerThreadsCpu.nanos();
        long gc0 = gcMillis();
        JobExecutionResult r = env.execute("bench-edges variant " + variant);
        long jobEnd = System.currentTimeMillis();
        double jit = (jitMillis() - jit0) / 1000.0;
        long jitCpu1 = CompilerThreadsCpu.nanos();
        double jitCpu = jitCpu0 < 0 || jitCpu1 < 0 ? Double.NaN : (jitCpu1 - jitCpu0) / 1e9;
        double gc = (gcMillis() - gc0) / 1000.0;
        long cpuJobEnd = processCpuNanos();
        Long first = r.getAccumulatorResult(FirstRecordClock.ACCUMULATOR);
        Long cpuFirst = r.getAccumulatorResult(FirstRecordClock.CPU_ACCUMULATOR);
        Long end = EndOfInputClock.latest(r.getAllAccumulatorResults(), EndOfInputClock.WALL_ACCUMULATOR);
        Long cpuEnd = EndOfInputClock.latest(r.getAllAccumulatorResults(), EndOfInputClock.CPU_ACCUMULATOR);
        if (first == null || end == null) {
            // no span read: nothing to time but the job
            return new Measurement(r.getNetRuntime() / 1000.0, Double.NaN, 0, jit, jitCpu, gc);
        }
        return new Measurement((end - first) / 1000.0,
                cpuFirst == null || cpuEnd == null ? Double.NaN : (cpuEnd - cpuFirst) / 1e9,
                (jobEnd - end) / 1000.0, jit, jitCpu, gc);
    }

    /**
     * Time the JIT compilers spent so far, all compiler threads summed (the JVM's own count): elapsed
     * time, so it includes a compiler thread's waits for a core; {@link CompilerThreadsCpu} is their CPU.
     */
    static long jitMillis() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c == null || !c.isCompilationTimeMonitoringSupported() ? 0 : c.getTotalCompilationTime();
    }

    /** Time the garbage collectors' collections took so far (G1's young and mixed pauses and full collections). */
    static long gcMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean g : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, g.getCollectionTime());
        }
        return ms;
    }

    /** Sends a result stream to a discarding sink behind an {@link EndOfInputClock}, which marks when its last record came. */
    static <T> void discard(DataStream<T> results, String name) {
        results.transform("end-of-input-clock", results.getType(), new EndOfInputClock<T>(name))
                .name(name + "-end-of-input-clock")
                .sinkTo(new DiscardingSink<>()).name(name);
    }

    /**
     * One run: wall-clock seconds and CPU seconds of the whole process, both from the first span
     * read to the last result delivered (the end of input at the last sink), and the seconds the
     * job took after that (its wait for a final checkpoint, see {@link EndOfInputClock}), left out;
     * beside them the JIT compilers' and the collectors' seconds over the whole job (start and
     * tail included), which a variant's change of the shared code's profiles or its garbage raise.
     */
    record Measurement(double seconds, double cpuSeconds, double tailSeconds, double jitSeconds, double jitCpuSeconds,
            double gcSeconds) {
        /** Process CPU over wall time and cores: 1.00 when the run had every core to itself. */
        double coreShare() {
            return cpuSeconds / (seconds * Runtime.getRuntime().availableProcessors());
        }
    }

    /** CPU time of this JVM (the MiniCluster, and the embedded broker serving it, run in it). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Passes spans through and records, per subtask, the wall-clock time of its first one (the earliest wins). */
    static final class FirstRecordClock<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        static final String ACCUMULATOR = "first-record-wall-ms";
        static final String CPU_ACCUMULATOR = "first-record-process-cpu-ns";
        private transient LongMinimum first;
        private transient LongMinimum cpu;
        private transient boolean seen;

        @Override
        public void open(OpenContext openContext) {
            first = new LongMinimum();
            cpu = new LongMinimum();
            getRuntimeContext().addAccumulator(ACCUMULATOR, first);
            getRuntimeContext().addAccumulator(CPU_ACCUMULATOR, cpu);
        }

        @Override
        public T map(T value) {
            if (!seen) {
                seen = true;
                first.add(System.currentTimeMillis());
                cpu.add(processCpuNanos());
            }
            return value;
        }
    }
}
