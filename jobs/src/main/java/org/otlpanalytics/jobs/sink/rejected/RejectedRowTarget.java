package org.otlpanalytics.jobs.sink.rejected;

import java.io.Serializable;

/**
 * Where a sink sends the rows its store rejects as data: a Kafka cluster and the dead-letter
 * topic; immutable and serializable, so it travels inside a sink's configuration.
 *
 * <pre>{@code
 * RejectedRowTarget t = RejectedRowTarget.kafka("localhost:9092", "otlp_deadletter");
 * }</pre>
 */
public final class RejectedRowTarget implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final String topic;

    private RejectedRowTarget(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /** Both values are required; the exception names the job option that carries each. */
    public static RejectedRowTarget kafka(String bootstrapServers, String topic) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalStateException("bootstrap-servers is required for the sink's dead letters");
        }
        if (topic == null || topic.isBlank()) {
            throw new IllegalStateException("dead-letter-topic is required for the sink's dead letters");
        }
        return new RejectedRowTarget(bootstrapServers, topic);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String topic() {
        return topic;
    }

    @Override
    public String toString() {
        return topic + "@" + bootstrapServers;
    }
}
