package org.otlpanalytics.tests.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records to Kafka at a steady pace in a thread of its own, as live senders would: record
 * i leaves when {@code (timestamp_i - timestamp_0) / speed} of wall time has passed. The producer
 * is idempotent and keeps retrying for five minutes, so a broker that goes away and comes back
 * neither loses nor duplicates a record; a record that still fails fails the test
 * ({@link #awaitDone}). {@link #pause} holds the next records back and waits until every record
 * sent is acknowledged, so that nothing is in flight when the broker is killed: a produce request
 * in flight at a SIGKILL was once appended twice after the restart (CI, chaos run: one request's
 * two or three records per partition written again, though the producer is idempotent).
 */
public final class LiveProducer implements AutoCloseable {
    private final List<ProducerRecord<byte[], byte[]>> records;
    private final double speed;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private final Object pauseLock = new Object();
    private boolean paused;
    private boolean parked;
    /** Time spent paused so far; written and read by the sending thread only. */
    private long pausedNanos;

    /** Starts writing {@code records} (in list order) at {@code speed} times their own pace. */
    public LiveProducer(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, double speed) {
        this.records = records;
        this.speed = speed;
        this.producer = producer(bootstrapServers);
        this.thread = new Thread(this::run, "live-producer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Writes every record at once and waits for all of them (the reference input). Throws, naming
     * the first failure, when any record was not acknowledged: a silently lost record would shift
     * every later offset of its partition and make the reference wrong.
     */
    public static void sendAll(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrapServers)) {
            records.forEach(r -> acks.add(p.send(r)));
            p.flush();
        }
        int failed = 0;
        Throwable first = null;
        String firstRecord = null;
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (ExecutionException e) {
                if (failed++ == 0) {
                    first = e.getCause();
                    firstRecord = "record " + i + " (" + records.get(i).topic() + "-" + records.get(i).partition() + ")";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the input", e);
            }
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + records.size() + " records were not written; the first, "
                    + firstRecord + ": " + first, first);
        }
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "16777216");
        // One request in flight per connection, and a patient request timeout. A loaded machine once let
        // a request time out after the broker had appended it and the four behind it; the producer then
        // re-sent the first batch (sequence 0), older than the five batches a broker remembers per
        // producer and partition, and the broker answered OutOfOrderSequenceException until the delivery
        // timeout (CI: "89 of 3554 records were not written"). With one batch in flight a re-sent batch is
        // always the last one appended, which the broker recognises as a duplicate.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        // ride out a broker restart: keep retrying, and let send() wait for metadata meanwhile
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        return new KafkaProducer<>(p);
    }

    private void run() {
        long t0 = records.isEmpty() ? 0 : records.get(0).timestamp();
        long wall0 = System.nanoTime();
        try {
            for (ProducerRecord<byte[], byte[]> r : records) {
                awaitResumed();
                long due = wall0 + pausedNanos + (long) ((r.timestamp() - t0) * 1_000_000L / speed);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                producer.send(r, (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                sent.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /**
     * Holds back the records not yet sent and waits until every record sent is acknowledged; the
     * pace resumes where it stopped ({@link #resume}), the pause left out of the schedule.
     */
    public void pause() throws InterruptedException {
        synchronized (pauseLock) {
            paused = true;
            while (!parked && thread.isAlive()) {
                pauseLock.wait(100);
            }
        }
        producer.flush();
    }

    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    private void awaitResumed() throws InterruptedException {
        synchronized (pauseLock) {
            if (!paused) {
                return;
            }
            long from = System.nanoTime();
            parked = true;
            pauseLock.notifyAll();
            while (paused) {
                pauseLock.wait();
            }
            parked = false;
            pausedNanos += System.nanoTime() - from;
        }
    }

    /** The share of the records handed to the producer so far, 0..1. */
    public double progress() {
        return records.isEmpty() ? 1 : sent.get() / (double) records.size();
    }

    public boolean isDone() {
        return !thread.isAlive();
    }

    /** Waits until every record is written and acknowledged; throws if one could not be. */
    public void awaitDone(Duration timeout) throws Exception {
        thread.join(timeout.toMillis());
        if (failure.get() != null) {
            throw new IllegalStateException("the live producer failed", failure.get());
        }
        if (thread.isAlive() || acked.get() != records.size()) {
            throw new IllegalStateException("the live producer wrote " + acked.get() + " of " + records.size()
                    + " records within " + timeout);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        producer.close(Duration.ofSeconds(10));
    }
}
