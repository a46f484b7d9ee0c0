package org.otlpanalytics.tests.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Kafka broker in its own JVM, the way {@code bin/kafka-server-start.sh} runs it:
 * {@code kafka.Kafka} from the {@code kafka_2.13} Maven jars, KRaft with one combined broker and
 * controller, a log directory that survives the process. {@link #kill()} ends it with SIGKILL (a
 * crash, nothing flushed or handed over) and {@link #start()} brings it back on the same ports
 * with the same data, so clients that keep retrying see one broker go away and return.
 *
 * <pre>{@code
 * try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(workDir)) {
 *     kafka.createTopics(3, "otlp_spans");
 *     kafka.kill();
 *     kafka.start();
 * }
 * }</pre>
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    static final String BROKER_MAIN = "kafka.Kafka";
    static final String STORAGE_TOOL_MAIN = "kafka.tools.StorageTool";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final Path dir;
    private final Path properties;
    private final Path argFile;
    private final int port;
    private Process process;
    private final Thread killOnExit = new Thread(this::destroy, "kafka-broker-kill");

    private KafkaBrokerProcess(Path dir, Path properties, Path argFile, int port) {
        this.dir = dir;
        this.properties = properties;
        this.argFile = argFile;
        this.port = port;
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Formats a fresh log directory under {@code workDir}, starts the broker and waits until it answers. */
    public static KafkaBrokerProcess start(Path workDir) throws Exception {
        Path dir = Files.createDirectories(workDir);
        int port = StandaloneFlinkCluster.freePort();
        int controllerPort = StandaloneFlinkCluster.freePort();
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "message.max.bytes=16777216",
                // the tests' data is dated in 2026: time-based retention would delete it at once
                "log.retention.ms=-1",
                ""), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("log4j2.properties"), log4j(dir.resolve("kafka.log")), StandardCharsets.UTF_8);
        Path argFile = dir.resolve("java.args");
        Files.writeString(argFile, "-cp " + quote(classpath()) + "\n", StandardCharsets.UTF_8);

        KafkaBrokerProcess k = new KafkaBrokerProcess(dir, props, argFile, port);
        try {
            k.format();
            k.start();
            return k;
        } catch (Exception | AssertionError e) {
            String log = k.log();
            k.close();
            throw new IllegalStateException("Kafka broker did not start: " + e.getMessage() + "\n" + log, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker on its ports and log directory (after {@link #kill()}) and waits until it answers. */
    public void start() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is running");
        }
        process = java(BROKER_MAIN, properties.toString()).start();
        awaitReady();
    }

    /** SIGKILL: the broker dies as in a crash; its log directory stays. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Creates the topics (those that exist are left as they are). */
    public void createTopics(int partitions, String... topics) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> nt = new ArrayList<>();
            for (String t : topics) {
                nt.add(new NewTopic(t, partitions, (short) 1));
            }
            try {
                admin.createTopics(nt).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    private void format() throws Exception {
        Process p = java(STORAGE_TOOL_MAIN, "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", properties.toString()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("kafka-storage format failed");
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms128m");
        cmd.add("-Xmx512m");
        cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri());
        cmd.add("@" + argFile);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.out").toFile()));
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with code " + process.exitValue());
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                    admin.listTopics().names().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the broker did not answer within " + READY_TIMEOUT, last);
    }

    /** The broker's log and console output, for assertion messages. */
    public String log() {
        StringBuilder sb = new StringBuilder();
        for (String f : new String[] {"kafka.out", "kafka.log"}) {
            Path p = dir.resolve(f);
            sb.append("\n===== ").append(p).append(" =====\n");
            try {
                String s = Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(none)";
                sb.append(s.length() <= 20_000 ? s : "...\n" + s.substring(s.length() - 20_000));
            } catch (IOException e) {
                sb.append("(unreadable: ").append(e).append(')');
            }
        }
        return sb.toString();
    }

    private void destroy() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /** Stops the broker: SIGTERM (a controlled shutdown), SIGKILL after 30 s. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook does the killing
        }
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every jar of the test classpath: kafka_2.13 with Scala and the broker's modules are among them. */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(cp.split(File.pathSeparator)).stream().filter(e -> e.endsWith(".jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String log4j(Path file) {
        return String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + file,
                "appender.file.append = true",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                "logger.state.name = state.change.logger",
                "logger.state.level = WARN",
                "");
    }
}
