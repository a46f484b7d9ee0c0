package org.otlpanalytics.jobs.sink.postgres;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.otlpanalytics.jobs.sink.UserCodeJdbcDrivers;
import org.otlpanalytics.operators.topology.LiveEdge;

/**
 * Keeps the live graph: every {@link LiveEdge} change is applied to {@code live_edge} and, when
 * Apache AGE is there (or {@code edges.live.age=on}), MERGEd into / deleted from the AGE graph,
 * in one transaction per checkpoint. Applying the same changes again leaves the same graph, so a
 * replay after a failure is harmless. Run it with parallelism 1: AGE's MERGE is not safe against
 * a concurrent MERGE of the same vertex in another session.
 *
 * <pre>{@code
 * new LiveGraphSink(pgConfig, AgeGraph.Mode.AUTO, AgeGraph.DEFAULT_GRAPH)
 * }</pre>
 */
public class LiveGraphSink implements Sink<LiveEdge> {
    private static final long serialVersionUID = 1L;

    private final PostgresSinkConfig config;
    private final AgeGraph.Mode ageMode;
    private final String graph;

    public LiveGraphSink(PostgresSinkConfig config, AgeGraph.Mode ageMode, String graph) {
        this.config = config;
        this.ageMode = ageMode;
        this.graph = AgeGraph.checkGraphName(graph);
    }

    @Override
    public SinkWriter<LiveEdge> createWriter(WriterInitContext context) {
        UserCodeJdbcDrivers.deregisterOnRelease(context.getUserCodeClassLoader());
        return new LiveGraphWriter(config, ageMode, graph, context.metricGroup());
    }
}
