package org.otlpanalytics.jobs.edges;

import java.util.List;
import java.util.Optional;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.operators.edges.ServiceCallRow;
import org.otlpanalytics.operators.topology.LiveEdge;
import org.otlpanalytics.operators.topology.TopoEdgeRow;

/**
 * What the service-call pipeline produces: {@code service_call_5m} rows, {@code topo_edge_time}
 * intervals (both already limited to the replay range), the live graph's updates (absent in a
 * replay: the live graph is "now", left to the streaming job) and the late-record dead letters.
 * The job attaches the sinks.
 */
public record EdgesOutputs(DataStream<ServiceCallRow> serviceCalls, DataStream<TopoEdgeRow> topology,
        Optional<DataStream<LiveEdge>> liveEdges, List<DeadLetterStream> deadLetters) {
    public EdgesOutputs {
        deadLetters = List.copyOf(deadLetters);
    }
}
