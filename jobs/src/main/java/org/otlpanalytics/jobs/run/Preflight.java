package org.otlpanalytics.jobs.run;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;

/**
 * The checks {@code run} makes before it starts the job, so that a typo in an address, wrong
 * credentials or an unwritable directory is one clear line within seconds instead of a job that
 * waits silently. Each check is retried every {@link #RETRY_EVERY} until it passes or the
 * time budget ({@code --preflight-timeout}, default 30 s) is spent; what is still failing then
 * is reported as one {@link Problem} naming the setting to fix.
 */
public final class Preflight {
    static final Duration RETRY_EVERY = Duration.ofSeconds(5);
    /** The longest one attempt of one check may take. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(8);

    private Preflight() {}

    /** A check that did not pass: the option to fix and what is wrong. */
    public static final class Problem {
        public final String setting;
        public final String message;

        Problem(String setting, String message) {
            this.setting = setting;
            this.message = message;
        }

        @Override
        public String toString() {
            return message + " (fix --" + setting + ")";
        }
    }

    /** A single check: null when it passes, else the problem. */
    @FunctionalInterface
    interface Check {
        Problem run(Duration timeout) throws InterruptedException;
    }

    /**
     * Runs the checks in rounds: every check that has not passed yet is tried once per round,
     * rounds {@link #RETRY_EVERY} apart, until all pass or {@code budget} is spent; returns the
     * problems left (empty = all passed). {@code progress} hears the problems of every round but
     * the last, so a slow service is visible while it is waited for.
     */
    static List<Problem> runAll(List<Check> checks, Duration budget, Consumer<Problem> progress) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        List<Check> pending = new ArrayList<>(checks);
        while (true) {
            List<Check> failed = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            for (Check c : pending) {
                long remaining = deadline - System.nanoTime();
                Duration attempt = Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(),
                        Math.min(remaining, ATTEMPT_TIMEOUT.toNanos())));
                Problem p = c.run(attempt);
                if (p != null) {
                    failed.add(c);
                    problems.add(p);
                }
            }
            if (failed.isEmpty() || System.nanoTime() + RETRY_EVERY.toNanos() > deadline) {
                return problems;
            }
            problems.forEach(progress);
            Thread.sleep(RETRY_EVERY.toMillis());
            pending = failed;
        }
    }

    /** Kafka reachable at {@code bootstrap} and every topic in {@code topics} (setting → topic) present. */
    static Check kafka(String bootstrap, Map<String, String> topics) {
        return timeout -> {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
            p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 5000));
            p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(ms, 5000));
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "otlp-analytics-preflight");
            try (Admin admin = Admin.create(p)) {
                Collection<?> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes()
                        .get(ms, TimeUnit.MILLISECONDS);
                if (nodes.isEmpty()) {
                    return new Problem("bootstrap-servers", "Kafka at " + bootstrap + " answered with no brokers");
                }
                Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs(ms)).names().get(ms, TimeUnit.MILLISECONDS);
                Set<String> missing = new TreeSet<>();
                String setting = null;
                for (Map.Entry<String, String> e : topics.entrySet()) {
                    if (!existing.contains(e.getValue())) {
                        missing.add(e.getValue());
                        setting = setting == null ? e.getKey() : setting;
                    }
                }
                if (!missing.isEmpty()) {
                    return new Problem(setting, "Kafka at " + bootstrap + " has no topic " + String.join(", ", missing)
                            + " (create it, or point the job at the right one)");
                }
                return null;
            } catch (ExecutionException | java.util.concurrent.TimeoutException | org.apache.kafka.common.KafkaException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof java.util.concurrent.TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                    return new Problem("bootstrap-servers", "Kafka at " + bootstrap + " is unreachable: no broker answered within "
                            + Math.max(1, timeout.toSeconds()) + " s");
                }
                return new Problem("bootstrap-servers", "Kafka at " + bootstrap + " is unreachable: "
                        + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage())));
            }
        };
    }

    /** PostgreSQL reachable and accepting the credentials of {@code config}. */
    static Check postgres(PostgresSinkConfig config) {
        return timeout -> {
            String where = Secrets.mask(config.jdbcUrl());
            Properties props = config.connectionProperties();
            String secs = Long.toString(Math.max(1, timeout.toSeconds()));
            props.setProperty("connectTimeout", secs);
            props.setProperty("loginTimeout", secs);
            props.setProperty("socketTimeout", secs);
            try (Connection c = new org.postgresql.Driver().connect(config.jdbcUrl(), props)) {
                if (c == null) {
                    return new Problem("jdbc-url", "not a PostgreSQL JDBC URL: " + where);
                }
                c.isValid((int) Math.max(1, timeout.toSeconds()));
                return null;
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.startsWith("28")) {
                    return new Problem("jdbc-url", "PostgreSQL at " + where + " refused the credentials: " + firstLine(e.getMessage()));
                }
                if (state.equals("3D000")) {
                    return new Problem("jdbc-url", "PostgreSQL at " + where + " has no such database: " + firstLine(e.getMessage()));
                }
                return new Problem("jdbc-url", "PostgreSQL at " + where + " is unreachable: " + firstLine(e.getMessage()));
            }
        };
    }

    /**
     * ClickHouse answering on its HTTP interface and accepting the credentials of {@code config}
     * ({@code SELECT version()} as that user). The database need not exist: the job creates it.
     */
    static Check clickhouse(ClickHouseSinkConfig config) {
        return timeout -> {
            String where = Secrets.mask(config.url());
            ClickHouseHttp http = new ClickHouseHttp(config.toBuilder().connectTimeout(timeout).requestTimeout(timeout).build());
            try {
                http.version();
                return null;
            } catch (ClickHouseException e) {
                // AUTHENTICATION_FAILED 516, UNKNOWN_USER 192, WRONG_PASSWORD 193, REQUIRED_PASSWORD 194
                if (e.code() == 516 || e.code() == 192 || e.code() == 193 || e.code() == 194) {
                    return new Problem("clickhouse-user / --clickhouse-password", "ClickHouse at " + where
                            + " refused the credentials" + (config.user() == null ? " of the default user" : " of user " + config.user())
                            + ": " + firstLine(e.getMessage()));
                }
                if (e.httpStatus() < 0) {
                    return new Problem("clickhouse-url", "ClickHouse at " + where + " is unreachable: " + firstLine(e.getMessage()));
                }
                return new Problem("clickhouse-url", "ClickHouse at " + where + " answered with an error: " + firstLine(e.getMessage()));
            } catch (IllegalArgumentException e) {
                // an HTTP server that is not ClickHouse (version() is not a version)
                return new Problem("clickhouse-url", "the server at " + where + " does not answer like ClickHouse's HTTP interface: "
                        + firstLine(String.valueOf(e.getMessage())));
            }
        };
    }

    /** The checkpoint directory (a {@code file:} URI or path) exists or can be made, and takes a file. */
    static Check checkpointDir(String dir) {
        return timeout -> {
            if (dir == null || dir.isBlank()) {
                return null;
            }
            URI uri = URI.create(dir.contains("://") || dir.startsWith("file:") ? dir : Paths.get(dir).toUri().toString());
            if (!"file".equals(uri.getScheme())) {
                return null; // remote file systems are checked by Flink itself when the first checkpoint is written
            }
            try {
                Path p = Paths.get(uri);
                Files.createDirectories(p);
                Path probe = Files.createTempFile(p, ".otlp-analytics-probe", ".tmp");
                Files.delete(probe);
                return null;
            } catch (IOException | RuntimeException e) {
                return new Problem("checkpoint-dir", "checkpoint directory " + dir + " is not writable: "
                        + e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(e.getMessage())));
            }
        };
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
