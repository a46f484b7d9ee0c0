package org.otlpanalytics.jobs.soak;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;

/**
 * The soak's generator thread: spans (the demo's shop traces, so edges pair across services),
 * log records and metric points at fixed offered rates, each paced by a {@link RatePacer} every
 * {@value #TICK_MILLIS} ms, with event time = wall time so windows close as they would in
 * production (or, with a lead, the clocks of every sender and of the Kafka timestamps ahead by
 * that much: {@code --align-minute}). Counts what it offers per signal, in records and in Kafka messages, and
 * keeps a {@link LagClock} per signal. {@link #rates} changes the rates from now on
 * ({@code --find-max}).
 */
final class SoakLoad implements Runnable {
    static final long TICK_MILLIS = 100;
    static final String[] SIGNALS = SoakTaskManager.SIGNALS;

    /** Offered rates: spans, log records and metric points per second. */
    record Rates(double spans, double logs, double points) {
        Rates times(double f) {
            return new Rates(spans * f, logs * f, points * f);
        }

        double of(String signal) {
            switch (signal) {
                case "spans":
                    return spans;
                case "logs":
                    return logs;
                default:
                    return points;
            }
        }
    }

    private final Producer<byte[], byte[]> producer;
    private final Map<String, String> topics;
    private final int partitions;
    private final long leadMillis;
    private final TelemetryGenerator spans;
    private final SoakLogRecords logs;
    private final SoakHostMetrics metrics;
    private final Map<String, AtomicLong> records = new LinkedHashMap<>();
    private final Map<String, AtomicLong> messages = new LinkedHashMap<>();
    private final Map<String, LagClock> clocks = new LinkedHashMap<>();
    private final AtomicLong sendErrors = new AtomicLong();
    private volatile boolean stopped;
    private volatile long cpuNanos;
    private Rates rates;
    private Map<String, RatePacer> pacers;
    private long pacedFromNanos;
    private long partition;
    private double spansPerTrace = 4.4;
    private long tracesMade;
    private long spansMade;

    /** {@code topics}: signal ({@link #SIGNALS}) to topic. */
    SoakLoad(Producer<byte[], byte[]> producer, Map<String, String> topics, int partitions, Rates rates, long leadMillis, long seed) {
        this.producer = producer;
        this.topics = topics;
        this.partitions = partitions;
        this.leadMillis = leadMillis;
        long now = System.currentTimeMillis() + leadMillis;
        this.spans = new TelemetryGenerator(seed, "default").withLogs(false).withMetrics(false).exportInterval(TICK_MILLIS);
        this.logs = new SoakLogRecords(seed);
        this.metrics = new SoakHostMetrics(seed, now);
        for (String s : SIGNALS) {
            records.put(s, new AtomicLong());
            messages.put(s, new AtomicLong());
            clocks.put(s, new LagClock(3_600_000L));
        }
        rates(rates);
    }

    /** Offers {@code r} from now on. */
    synchronized void rates(Rates r) {
        this.rates = r;
        this.pacers = new LinkedHashMap<>();
        for (String s : SIGNALS) {
            pacers.put(s, new RatePacer(r.of(s)));
        }
        this.pacedFromNanos = System.nanoTime();
        metrics.hosts(SoakHostMetrics.hostsFor(r.points()));
    }

    synchronized Rates rates() {
        return rates;
    }

    long records(String signal) {
        return records.get(signal).get();
    }

    long messages(String signal) {
        return messages.get(signal).get();
    }

    LagClock clock(String signal) {
        return clocks.get(signal);
    }

    long sendErrors() {
        return sendErrors.get();
    }

    /** CPU time the generator thread used (ns), known once it stopped. */
    long cpuNanos() {
        return cpuNanos;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        try {
            while (!stopped) {
                tick();
                Thread.sleep(TICK_MILLIS / 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            producer.flush();
            cpuNanos = mx.getCurrentThreadCpuTime() - cpu0;
        }
    }

    /** Sends what each signal owes now. */
    synchronized void tick() {
        long elapsed = System.nanoTime() - pacedFromNanos;
        long now = System.currentTimeMillis() + leadMillis;
        for (String s : SIGNALS) {
            RatePacer pacer = pacers.get(s);
            // at most a second behind: beyond that the generator offers less (and the summary says so)
            pacer.forgiveBeyond(elapsed, (long) Math.ceil(pacer.perSecond()));
            long owed = pacer.owed(elapsed);
            if (owed == 0) {
                continue;
            }
            long n = 0;
            switch (s) {
                case "spans":
                    n = sendSpans(owed, now);
                    break;
                case "logs":
                    n = send(s, logs.messages((int) Math.min(owed, Integer.MAX_VALUE), now));
                    break;
                default:
                    n = send(s, metrics.messages(owed, now));
                    break;
            }
            pacer.sent(n);
        }
        long wall = System.currentTimeMillis();
        for (String s : SIGNALS) {
            clocks.get(s).produced(wall, messages.get(s).get());
        }
    }

    private long sendSpans(long owed, long now) {
        long traces = Math.max(1, Math.round(owed / spansPerTrace));
        List<TelemetryGenerator.Message> msgs = spans.generate(now - TICK_MILLIS, TICK_MILLIS, traces * 1000.0 / TICK_MILLIS);
        long n = 0;
        for (TelemetryGenerator.Message m : msgs) {
            send("spans", m.value);
            n += m.records;
        }
        tracesMade += traces;
        spansMade += n;
        spansPerTrace = Math.max(1, (double) spansMade / tracesMade);
        records.get("spans").addAndGet(n);
        return n;
    }

    private long send(String signal, List<SoakBatch> batches) {
        long n = 0;
        for (SoakBatch b : batches) {
            send(signal, b.value());
            n += b.records();
        }
        records.get(signal).addAndGet(n);
        return n;
    }

    private void send(String signal, byte[] value) {
        // the Kafka timestamp is the sender's clock, as a Collector's would be (the watermark is capped by it)
        long timestamp = System.currentTimeMillis() + leadMillis;
        producer.send(new ProducerRecord<>(topics.get(signal), (int) (partition++ % partitions), timestamp, null, value), (md, e) -> {
            if (e != null) {
                sendErrors.incrementAndGet();
            }
        });
        messages.get(signal).incrementAndGet();
    }
}
