package org.otlpanalytics.tests.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;

/**
 * One submission of the shaded job jar to a {@link StandaloneFlinkCluster}, and the waits a fault
 * test needs: until every task runs, until a checkpoint triggered after a given moment has
 * completed, until the job's committed Kafka offsets reach given offsets. Every wait polls with a
 * generous deadline and fails with the job's exceptions and the cluster's logs, never on timing
 * alone.
 */
public final class ClusterJob {
    private static final Duration POLL = Duration.ofMillis(250);

    private final StandaloneFlinkCluster cluster;
    private final String jobId;
    private final String groupPrefix;

    private ClusterJob(StandaloneFlinkCluster cluster, String jobId, String groupPrefix) {
        this.cluster = cluster;
        this.jobId = jobId;
        this.groupPrefix = groupPrefix;
    }

    /**
     * Runs the uploaded jar {@code jarId} with {@code args} (which must hold
     * {@code --group-id groupPrefix}), from {@code savepoint} when not null.
     */
    public static ClusterJob submit(StandaloneFlinkCluster cluster, String jarId, List<String> args, String groupPrefix,
            String savepoint) {
        try {
            return new ClusterJob(cluster, cluster.rest().runJar(jarId, args, savepoint), groupPrefix);
        } catch (Exception e) {
            throw new AssertionError("submitting the job failed: " + e.getMessage() + "\n" + cluster.logs(), e);
        }
    }

    /** The job options every fault test passes: all four pipelines, no idleness (see FaultInput). */
    public static List<String> args(String bootstrap, String jdbcUrl, String groupPrefix, String deadLetterTopic,
            int parallelism, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "--bootstrap-servers", bootstrap,
                "--jdbc-url", jdbcUrl,
                "--jobs", "red,edges,metrics,logs",
                "--group-id", groupPrefix,
                "--dead-letter-topic", deadLetterTopic,
                "--starting-offsets", "earliest",
                "--parallelism", String.valueOf(parallelism),
                "--checkpoint-interval", "2s",
                // the watermark is the minimum over all partitions, always: with no late input no
                // record can then be late, however the reading is timed, restarted or rescaled
                "--idleness", "0s"));
        a.addAll(List.of(extra));
        return a;
    }

    /**
     * {@link #args} for every pipeline, incidents included (with a 1-minute warm-up and opening
     * after 2 breached minutes of 3, since the fault input holds 5 minutes), into PostgreSQL and, when {@code clickhouse} is not null, into
     * its database named {@code groupPrefix}.
     */
    public static List<String> allPipelinesArgs(String bootstrap, String jdbcUrl, String groupPrefix, String deadLetterTopic,
            int parallelism, ClickHouseServer clickhouse, String... extra) {
        List<String> a = args(bootstrap, jdbcUrl, groupPrefix, deadLetterTopic, parallelism, extra);
        a.set(a.indexOf("--jobs") + 1, "red,edges,metrics,logs,incidents");
        a.addAll(List.of("--incidents-warmup", "1m", "--incidents-open", "2/3"));
        if (clickhouse != null) {
            a.addAll(List.of("--sinks", "postgres,clickhouse", "--clickhouse-url", clickhouse.url(),
                    "--clickhouse-user", clickhouse.user(), "--clickhouse-password", clickhouse.password(),
                    "--clickhouse-database", groupPrefix));
        }
        return a;
    }

    public String id() {
        return jobId;
    }

    public String groupPrefix() {
        return groupPrefix;
    }

    /** Waits until the job and every task are RUNNING. */
    public void awaitRunning(Duration timeout) throws Exception {
        await("all tasks running", timeout, () -> cluster.rest().allTasksRunning(jobId));
    }

    /**
     * Waits until every task runs and a checkpoint triggered at or after {@code sinceMillis}
     * (epoch ms) has completed: the job reads, computes and commits again.
     */
    public void awaitCheckpointAfter(long sinceMillis, Duration timeout) throws Exception {
        await("a checkpoint after " + sinceMillis, timeout, () -> cluster.rest().allTasksRunning(jobId)
                && cluster.rest().checkpoints(jobId).latestTriggerMillis() >= sinceMillis);
    }

    /** Waits until the committed offsets of the job's consumer groups reach {@code target}. */
    public void awaitCommitted(Admin admin, Map<TopicPartition, Long> target, Duration timeout) throws Exception {
        List<String> topics = target.keySet().stream().map(TopicPartition::topic).distinct().toList();
        await("committed offsets at " + target, timeout,
                () -> KafkaProgress.behind(target, KafkaProgress.committed(admin, groupPrefix, topics)) == 0);
    }

    /** Records of {@code target} not yet committed by the job (-1 when Kafka does not answer). */
    public long behind(Admin admin, Map<TopicPartition, Long> target) {
        try {
            List<String> topics = target.keySet().stream().map(TopicPartition::topic).distinct().toList();
            return KafkaProgress.behind(target, KafkaProgress.committed(admin, groupPrefix, topics));
        } catch (Exception e) {
            return -1;
        }
    }

    /** Stop-with-savepoint; returns the savepoint's path. With {@code drain}, the job ends FINISHED. */
    public String stop(String targetDirectory, boolean drain) throws Exception {
        String path;
        try {
            path = cluster.rest().stopWithSavepoint(jobId, targetDirectory, drain, Duration.ofMinutes(5));
        } catch (Exception e) {
            throw new AssertionError("stop-with-savepoint failed: " + e.getMessage() + "; exceptions: "
                    + cluster.rest().exceptions(jobId) + "\n" + cluster.logs(), e);
        }
        String expected = drain ? "FINISHED" : "FINISHED|CANCELED";
        await("the job to end", Duration.ofMinutes(3), () -> cluster.rest().jobState(jobId).matches(expected));
        return path;
    }

    /** Waits for a bounded job to finish. */
    public void awaitFinished(Duration timeout) throws Exception {
        String state = cluster.rest().awaitTerminal(jobId, timeout);
        if (!"FINISHED".equals(state)) {
            throw new AssertionError("job " + jobId + " ended " + state + "; exceptions: " + cluster.rest().exceptions(jobId)
                    + "\n" + cluster.logs());
        }
    }

    public FlinkRestClient.Checkpoints checkpoints() throws Exception {
        return cluster.rest().checkpoints(jobId);
    }

    /** A condition polled by {@link #await}; exceptions (a broker or REST call failing mid-fault) count as false. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private void await(String what, Duration timeout, Condition c) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (c.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError("job " + jobId + ": no " + what + " within " + timeout + " (last error: " + last
                + "); exceptions: " + cluster.rest().exceptions(jobId) + "\n" + cluster.logs());
    }
}
