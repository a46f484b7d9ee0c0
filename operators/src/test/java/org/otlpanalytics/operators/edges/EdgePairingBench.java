package org.otlpanalytics.operators.edges;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Random;
import org.otlpanalytics.schemas.resource.ResourceInfo;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Micro benchmark of {@link EdgeStore} (a {@code main}, not a test): keeps 10,000 traces in
 * flight, each of 8 spans arriving in shuffled order (root SERVER, CLIENT/SERVER pair,
 * PRODUCER/CONSUMER pair, a postgresql and a redis CLIENT that never pair, one INTERNAL),
 * advances event time by 0.1 ms per span and expires every 1,000 spans with a watermark 1 s
 * behind. Spans are generated in chunks outside the timed section, so the rate is that of
 * offer + expire + virtual-edge naming only.
 *
 * <p>Args: {@code [measuredSpans=10000000] [tracesInFlight=10000]}. Run it with the operators
 * test classpath, e.g.
 * {@code java -cp operators/target/test-classes:operators/target/classes:schemas/target/classes:<deps>
 * org.otlpanalytics.operators.edges.EdgePairingBench}.
 */
public final class EdgePairingBench {
    private static final int SPANS_PER_TRACE = 8;
    private static final int CHUNK = 1 << 16;
    private static final long NANOS_PER_SPAN = 100_000L;
    private static final long OUT_OF_ORDERNESS_MILLIS = 1_000L;
    private static final int EXPIRE_EVERY = 1_000;

    private final int tracesInFlight;
    private final Random random = new Random(42);
    private final Trace[] slots;
    private final SpanRecord[] chunk = new SpanRecord[CHUNK];
    private long clockNanos = 1_700_000_000_000L * 1_000_000L;
    private long nextTrace = 1;
    private int slot;

    private final EdgeStore store = new EdgeStore(EdgeStoreOptions.defaults());
    private long edgesEmitted;
    private long orphans;

    private EdgePairingBench(int tracesInFlight) {
        this.tracesInFlight = tracesInFlight;
        this.slots = new Trace[tracesInFlight];
        for (int i = 0; i < CHUNK; i++) {
            chunk[i] = new SpanRecord();
        }
        for (int i = 0; i < tracesInFlight; i++) {
            slots[i] = new Trace(nextTrace++, random);
        }
    }

    public static void main(String[] args) throws IOException {
        long measured = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        EdgePairingBench bench = new EdgePairingBench(inFlight);

        long warmUp = Math.max(2_000_000L, measured / 4);
        bench.run(warmUp); // warm-up, and fills the store to steady state
        long t0 = System.nanoTime();
        long offeredNanos = bench.run(measured);
        long wallNanos = System.nanoTime() - t0;

        EdgeStore s = bench.store;
        long[] serialized = serializedBytes(s);
        System.out.println("traces_in_flight=" + inFlight);
        System.out.println("spans_measured=" + measured);
        System.out.println("spans_total_with_warm_up=" + (warmUp + measured) + " (the counters below)");
        System.out.println("edge_pairing_spans_per_s=" + (long) (measured / (offeredNanos / 1e9)));
        System.out.println("edge_pairing_spans_per_s_with_generation=" + (long) (measured / (wallNanos / 1e9)));
        System.out.println("edge_store_items=" + s.size());
        System.out.println("edge_store_approx_heap_bytes=" + s.approxHeapBytes());
        System.out.println("edge_store_serialized_bytes=" + serialized[0]);
        System.out.println("edge_store_serialized_bytes_per_item=" + (s.size() == 0 ? 0 : serialized[0] / s.size()));
        System.out.println("edge_store_measured_heap_bytes=" + bench.measuredStoreHeap());
        for (OfferResult.Outcome o : OfferResult.Outcome.values()) {
            System.out.println("edge_outcome_" + o.metricName() + "=" + s.count(o));
        }
        System.out.println("edge_expired=" + s.edgesExpired());
        System.out.println("edges_emitted_total=" + bench.edgesEmitted);
        System.out.println("edge_expired_orphans=" + bench.orphans);
    }

    /** Pushes {@code spans} spans; returns the nanoseconds spent inside the store. */
    private long run(long spans) {
        long spent = 0;
        long done = 0;
        while (done < spans) {
            int n = (int) Math.min(CHUNK, spans - done);
            for (int i = 0; i < n; i++) {
                fillNext(chunk[i]);
            }
            long watermarkBase = clockNanos - (long) n * NANOS_PER_SPAN;
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                OfferResult r = store.offer(chunk[i]);
                if (r.hasEdge()) {
                    edgesEmitted++;
                }
                if (i % EXPIRE_EVERY == EXPIRE_EVERY - 1) {
                    long watermark = (watermarkBase + (i + 1) * NANOS_PER_SPAN) / 1_000_000L - OUT_OF_ORDERNESS_MILLIS;
                    expire(watermark);
                }
            }
            spent += System.nanoTime() - t;
            done += n;
        }
        return spent;
    }

    private void expire(long watermarkMillis) {
        List<PendingSpan> expired = store.expire(watermarkMillis);
        for (int j = 0; j < expired.size(); j++) {
            if (PeerNamer.virtualEdge(expired.get(j)) != null) {
                edgesEmitted++;
            } else {
                orphans++;
            }
        }
    }

    /** Next span of the trace in the current slot, round robin; a finished trace is replaced. */
    private void fillNext(SpanRecord r) {
        Trace tr = slots[slot];
        tr.fill(tr.order[tr.next++], r, clockNanos);
        if (tr.next == SPANS_PER_TRACE) {
            slots[slot] = new Trace(nextTrace++, random);
        }
        slot = (slot + 1) % tracesInFlight;
        clockNanos += NANOS_PER_SPAN;
    }

    private static long[] serializedBytes(EdgeStore s) {
        long[] total = new long[1];
        CountingStream counter = new CountingStream();
        DataOutputStream out = new DataOutputStream(counter);
        s.forEachPending(p -> {
            try {
                PendingSpanSerializer.write(p, out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        total[0] = counter.count;
        return total;
    }

    /** Heap the store retains, from the difference in used heap with and without its contents. */
    private long measuredStoreHeap() {
        long with = usedAfterGc();
        store.expire(Long.MAX_VALUE);
        long without = usedAfterGc();
        return with - without;
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** One synthetic trace: frontend -> checkout -> (postgresql, redis, kafka -> billing). */
    private static final class Trace {
        private static final String[] SERVICES = {"frontend", "checkout", "billing"};
        private static final String[] URNS = {
            ResourceInfo.serviceUrn("shop", "frontend"),
            ResourceInfo.serviceUrn("shop", "checkout"),
            ResourceInfo.serviceUrn("shop", "billing"),
        };
        final long traceLo;
        final long traceHi;
        final int[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        int next;

        Trace(long id, Random random) {
            this.traceHi = random.nextLong();
            this.traceLo = id;
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }

        void fill(int which, SpanRecord r, long nowNanos) {
            r.tenant = "default";
            r.traceIdHi = traceHi;
            r.traceIdLo = traceLo;
            r.statusCode = SpanRecord.STATUS_UNSET;
            r.peerService = null;
            r.dbSystem = null;
            r.dbNamespace = null;
            r.messagingSystem = null;
            r.messagingDestination = null;
            r.serverAddress = null;
            r.kafkaPartition = (int) (traceLo & 7);
            r.kafkaOffset = traceLo * SPANS_PER_TRACE + which;
            r.startTimeNanos = nowNanos - 5_000_000L;
            r.endTimeNanos = nowNanos;
            switch (which) {
                case 0: // root SERVER: user -> frontend
                    set(r, 0, SpanRecord.KIND_SERVER, 1, 0);
                    break;
                case 1: // frontend CLIENT -> checkout SERVER
                    set(r, 0, SpanRecord.KIND_CLIENT, 2, 1);
                    break;
                case 2:
                    set(r, 1, SpanRecord.KIND_SERVER, 3, 2);
                    r.statusCode = (traceLo % 50 == 0) ? SpanRecord.STATUS_ERROR : SpanRecord.STATUS_UNSET;
                    break;
                case 3: // checkout -> postgresql, never paired
                    set(r, 1, SpanRecord.KIND_CLIENT, 4, 3);
                    r.dbSystem = "postgresql";
                    r.dbNamespace = "orders";
                    break;
                case 4: // checkout PRODUCER -> billing CONSUMER
                    set(r, 1, SpanRecord.KIND_PRODUCER, 5, 3);
                    r.messagingSystem = "kafka";
                    r.messagingDestination = "orders.created";
                    break;
                case 5:
                    set(r, 2, SpanRecord.KIND_CONSUMER, 6, 5);
                    r.messagingSystem = "kafka";
                    r.messagingDestination = "orders.created";
                    break;
                case 6: // checkout -> redis, never paired
                    set(r, 1, SpanRecord.KIND_CLIENT, 7, 3);
                    r.dbSystem = "redis";
                    r.serverAddress = "cache-1";
                    break;
                default: // INTERNAL, ignored
                    set(r, 1, SpanRecord.KIND_INTERNAL, 8, 3);
                    break;
            }
        }

        private static void set(SpanRecord r, int service, int kind, long spanId, long parentId) {
            r.serviceName = SERVICES[service];
            r.serviceNamespace = "shop";
            r.serviceUrn = URNS[service];
            r.kind = kind;
            r.spanId = spanId;
            r.parentSpanId = parentId;
        }
    }

    /** Counts bytes, keeps none. */
    private static final class CountingStream extends OutputStream {
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
}
