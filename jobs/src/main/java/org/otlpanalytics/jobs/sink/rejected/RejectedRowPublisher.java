package org.otlpanalytics.jobs.sink.rejected;

import java.io.IOException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink writer's outlet for rows its store rejected as data: each is counted
 * ({@value #ROWS_DEAD_LETTERED} in the writer's metric group), logged, and sent to the
 * dead-letter topic. At least once: {@link #flush()} waits until Kafka has acknowledged every
 * dead letter, and a writer calls it before it commits the good rows, so a failure replays the
 * rows (and may repeat a dead letter) but never loses one. The Kafka producer is opened on the
 * first rejected row only. Without a target the rows are counted and logged, nothing else.
 */
public final class RejectedRowPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RejectedRowPublisher.class);
    public static final String ROWS_DEAD_LETTERED = "rowsDeadLettered";

    private final RejectedRowTarget target;
    private final Counter rejected;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private KafkaProducer<byte[], byte[]> producer;

    /** {@code target} may be null (count and log only); {@code metrics} is the writer's own group. */
    public RejectedRowPublisher(RejectedRowTarget target, MetricGroup metrics) {
        this.target = target;
        this.rejected = metrics.counter(ROWS_DEAD_LETTERED);
    }

    /** Counts the row and queues its dead letter. */
    public void publish(RejectedRow row) {
        rejected.inc();
        LOG.warn("{} rejected a {} row ({} {}){}; {}", row.store, row.table, row.code, row.reason,
                row.origin == null ? "" : " from " + row.origin.offsets(),
                target == null ? "no dead-letter topic configured, row dropped" : "sent to " + target.topic());
        if (target == null) {
            return;
        }
        producer().send(row.toProducerRecord(target.topic()), (meta, e) -> {
            if (e != null) {
                sendFailure.compareAndSet(null, e);
            }
        });
    }

    /** Waits for every queued dead letter; fails if any could not be written. */
    public void flush() throws IOException {
        if (producer == null) {
            return;
        }
        producer.flush();
        Exception e = sendFailure.getAndSet(null);
        if (e != null) {
            throw new IOException("writing rejected rows to dead-letter topic " + target.topic() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
            p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
            p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            // Kafka's client classes come from this class's loader (the job's), not the thread's
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(KafkaProducer.class.getClassLoader());
            try {
                producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
        return producer;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }
}
