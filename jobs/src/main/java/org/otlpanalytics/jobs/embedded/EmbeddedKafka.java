package org.otlpanalytics.jobs.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, one combined controller+broker) in this JVM, from the Kafka
 * Maven artifacts. Used by the demo, the {@code analyze} command and the tests.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static EmbeddedKafka start() throws Exception {
        KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("message.max.bytes", "16777216")
                .setConfigProp("log.retention.ms", "-1")
                .build();
        // the test kit prints its storage formatting to stdout; keep the commands' output clean
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            c.format();
        } finally {
            System.setOut(out);
        }
        c.startup();
        c.waitForReadyBrokers();
        return new EmbeddedKafka(c);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public void createTopics(int partitions, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            List<NewTopic> nt = new ArrayList<>();
            for (String t : topics) {
                nt.add(new NewTopic(t, partitions, (short) 1));
            }
            try {
                admin.createTopics(nt).all().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return producer(bootstrapServers());
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, new Properties());
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, Properties extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "16777216");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    /**
     * Sends and waits for every record, in order per partition, and fails if any was not written.
     * One request in flight and long timeouts: under a load average near 48 the broker rejected a
     * retried first batch after later ones had been appended (OutOfOrderSequenceException), and with
     * the send results unchecked the test went on with records missing from the topic.
     */
    public void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties extra = new Properties();
        extra.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        extra.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        extra.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrapServers(), extra)) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(p.send(r));
            }
            p.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
