package org.otlpanalytics.jobs.edges;

import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.ReplayRange;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.jobs.limits.LimitOptions;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.edges.Edge;
import org.otlpanalytics.operators.edges.EdgeLocalPairer;
import org.otlpanalytics.operators.edges.EdgeBatchPairer;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.EdgePartialSerializer;
import org.otlpanalytics.operators.edges.EdgePreAggregator;
import org.otlpanalytics.operators.edges.PendingSpan;
import org.otlpanalytics.operators.edges.PendingSpanBatch;
import org.otlpanalytics.operators.edges.PendingSpanBatchSerializer;
import org.otlpanalytics.operators.edges.PendingSpanMapper;
import org.otlpanalytics.operators.edges.PendingSpanSerializer;
import org.otlpanalytics.operators.edges.EdgeStoreOptions;
import org.otlpanalytics.operators.edges.LateEdgeDeadLetter;
import org.otlpanalytics.operators.edges.PairableSpanFilter;
import org.otlpanalytics.operators.edges.ServiceCallAggregator;
import org.otlpanalytics.operators.edges.VirtualPeerLimiter;
import org.otlpanalytics.operators.edges.ServiceCallOptions;
import org.otlpanalytics.operators.edges.ServiceCallRow;
import org.otlpanalytics.operators.topology.EdgeTopologyTracker;
import org.otlpanalytics.operators.topology.LiveEdge;
import org.otlpanalytics.operators.topology.TopoEdgeRow;
import org.otlpanalytics.operators.topology.TopologyOptions;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Service-call edges from decoded spans: pairable spans → pairing keyed by trace → per directed
 * edge, 5-minute rows ({@code service_call_5m}) and validity intervals ({@code topo_edge_time})
 * with the live graph beside them. Wires only; computes nothing, and does not know the store:
 * the job attaches the sinks to {@link EdgesOutputs}.
 *
 * <p>Its settings come from the job options ({@code --edges-*}, see the README); the allowed
 * lateness and out-of-orderness are the jobs' own.
 */
public final class EdgesJob {
    public static final String JOB = "edges";
    /** Partials buffered per pre-aggregating subtask before an early flush. */
    static final int PREAGGREGATE_MAX_ENTRIES = 10_000;
    /** Halves held per source subtask for local pairing before they are shipped early. */
    static final int LOCAL_PAIRING_MAX_HELD = 20_000;

    private EdgesJob() {}

    /** The pipeline's settings, parsed once from the job options. */
    public record Settings(EdgeStoreOptions store, ServiceCallOptions serviceCalls, TopologyOptions topology,
            int maxPeersPerCaller, LimitOptions limits, String topic, ReplayRange replay) {
        public static Settings of(JobOptions o) {
            return new Settings(storeOptions(o), serviceCallOptions(o), topologyOptions(o),
                    o.getInt(JobOptions.EDGES_MAX_PEERS_PER_CALLER), LimitOptions.of(o), o.require(JobOptions.SPANS_TOPIC), o.replayRange());
        }
    }

    public static EdgeStoreOptions storeOptions(JobOptions o) {
        EdgeStoreOptions store = EdgeStoreOptions.builder()
                .ttl(o.getDuration(JobOptions.EDGES_STORE_TTL))
                .maxItems(o.getInt(JobOptions.EDGES_STORE_MAX_ITEMS))
                .build();
        // an unpaired half is named when the watermark passes its end + TTL, and its call is dated
        // by its start: with a lateness shorter than the wait, every such call would be late
        long lateness = o.getDuration(JobOptions.ALLOWED_LATENESS).toMillis();
        if (store.ttlMillis() >= lateness) {
            throw new IllegalArgumentException("--" + JobOptions.EDGES_STORE_TTL + " (" + store.ttlMillis()
                    + " ms) must be shorter than --" + JobOptions.ALLOWED_LATENESS + " (" + lateness
                    + " ms): calls named after the wait would all be late");
        }
        return store;
    }

    public static ServiceCallOptions serviceCallOptions(JobOptions o) {
        return ServiceCallOptions.builder().allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS)).build();
    }

    public static TopologyOptions topologyOptions(JobOptions o) {
        return TopologyOptions.builder()
                .allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .idleTimeout(o.getDuration(JobOptions.EDGES_TOPOLOGY_IDLE_TIMEOUT))
                .liveWindow(o.getDuration(JobOptions.EDGES_LIVE_WINDOW))
                .liveRefresh(o.getDuration(JobOptions.EDGES_LIVE_REFRESH))
                .build();
    }

    /** Builds the edge pipeline on decoded, timestamped spans (the span ingest stage's output). */
    public static EdgesOutputs buildPipeline(DataStream<SpanRecord> spans, Settings s) {
        String topic = s.topic();
        TopologyOptions topologyOptions = s.topology();
        // only CLIENT/PRODUCER and SERVER/CONSUMER spans can be half of a call, shipped as compact halves
        DataStream<PendingSpan> halves = spans.filter(new PairableSpanFilter())
                .name("edge-pairable-spans").uid("edge-pairable-spans")
                .map(new PendingSpanMapper(s.store())).returns(PendingSpanSerializer.TYPE)
                .name("edge-halves").uid("edge-halves");
        long slot = topologyOptions.slotMillis();
        long lateness = topologyOptions.allowedLatenessMillis();
        // calls whose two halves this source subtask sees between two watermarks pair here, unshuffled, and halves
        // late on their partition are named here; the other halves leave in batches, one per key group of the pairing
        SingleOutputStreamOperator<PendingSpanBatch> unpaired = halves
                .transform("edge-local-pairer", PendingSpanBatchSerializer.TYPE,
                        new EdgeLocalPairer(LOCAL_PAIRING_MAX_HELD, slot, lateness))
                .uid("edge-local-pairer");
        // the other halves meet in their trace: paired, or named after a bounded wait
        SingleOutputStreamOperator<Edge> edges = unpaired
                .keyBy(PendingSpanBatch::key, Types.LONG)
                .transform("edge-pairer", TypeInformation.of(Edge.class), new EdgeBatchPairer(s.store()))
                .uid("edge-pairer");
        // per edge and slot, pre-aggregated next to either pairing; calls beyond the lateness leave here
        SingleOutputStreamOperator<EdgePartial> pairedPartials = edges
                .transform("edge-preaggregate", EdgePartialSerializer.TYPE,
                        new EdgePreAggregator(slot, lateness, PREAGGREGATE_MAX_ENTRIES))
                .uid("edge-preaggregate");
        SingleOutputStreamOperator<EdgePartial> localPartials = unpaired.getSideOutput(EdgeLocalPairer.LOCAL_EDGES)
                .transform("edge-local-preaggregate", EdgePartialSerializer.TYPE,
                        new EdgePreAggregator(slot, lateness, PREAGGREGATE_MAX_ENTRIES))
                .uid("edge-local-preaggregate");
        DataStream<EdgePartial> partials = pairedPartials.union(localPartials);
        // bounded tenants, callers and callees per tenant: those with the smallest hashes are kept, the rest fold into one
        DataStream<EdgePartial> limited = Limiters.edges(partials, s.limits(), slot, lateness);
        // bounded peers per caller and slot: the peers with the smallest hashes are kept, the rest fold into one
        SingleOutputStreamOperator<EdgePartial> toPeers = limited.filter(VirtualPeerLimiter::toVirtualPeer)
                .name("edge-to-virtual-peers").uid("edge-to-virtual-peers")
                .keyBy(VirtualPeerLimiter::callerKey, Types.STRING)
                .transform("edge-peer-limit", EdgePartialSerializer.TYPE, new HorizonKeyedProcessOperator<>(
                        new VirtualPeerLimiter(s.maxPeersPerCaller(), slot, lateness)))
                .uid("edge-peer-limiter");
        DataStream<EdgePartial> bounded = limited.filter(p -> !p.toVirtualPeer())
                .name("edge-between-services").uid("edge-between-services")
                .union(toPeers);
        // per directed edge: 5-minute calls, errors and quantiles
        SingleOutputStreamOperator<ServiceCallRow> calls = bounded
                .keyBy(ServiceCallAggregator::edgeKey, Types.STRING)
                .transform("service-call-5m", TypeInformation.of(ServiceCallRow.class),
                        new HorizonKeyedProcessOperator<>(new ServiceCallAggregator(s.serviceCalls())))
                .uid("service-call-aggregator");
        // per directed edge: validity intervals, and the live graph on a side output
        SingleOutputStreamOperator<TopoEdgeRow> topology = bounded
                .keyBy(ServiceCallAggregator::edgeKey, Types.STRING)
                .transform("edge-topology", TypeInformation.of(TopoEdgeRow.class),
                        new HorizonKeyedProcessOperator<>(new EdgeTopologyTracker(topologyOptions)))
                .uid("edge-topology");
        // calls later than the allowed lateness: counted, and kept in the dead-letter topic
        DataStream<DeadLetter> lateCalls = pairedPartials.getSideOutput(EdgePreAggregator.LATE_EDGES)
                .union(localPartials.getSideOutput(EdgePreAggregator.LATE_EDGES))
                .map(e -> LateEdgeDeadLetter.of(e, topic, "edges")).name("edge-late-edges").uid("edge-late-edges");
        DataStream<DeadLetter> latePartials = toPeers.getSideOutput(VirtualPeerLimiter.LATE_PARTIALS)
                .union(calls.getSideOutput(ServiceCallAggregator.LATE_PARTIALS),
                        topology.getSideOutput(EdgeTopologyTracker.LATE_PARTIALS))
                .map(p -> LateEdgeDeadLetter.of(p, topic, "edges")).name("edge-late-partials").uid("edge-late-partials");
        ReplayRange replay = s.replay();
        // the live graph is "now": a replay of the past leaves it to the streaming job
        Optional<DataStream<LiveEdge>> live = replay.isSet() ? Optional.empty()
                : Optional.of(topology.getSideOutput(EdgeTopologyTracker.LIVE_EDGES));
        return new EdgesOutputs(replayCalls(calls, replay), replayTopology(topology, topologyOptions, replay), live,
                List.of(new DeadLetterStream("edge-late-dead-letters", lateCalls.union(latePartials))));
    }

    /** A replay rewrites only the whole 5-minute buckets inside [--from, --to). */
    static DataStream<ServiceCallRow> replayCalls(SingleOutputStreamOperator<ServiceCallRow> rows, ReplayRange replay) {
        if (!replay.isSet()) {
            return rows;
        }
        return rows.filter(r -> replay.containsWindow(r.bucketStartMillis, ServiceCallOptions.WINDOW_MILLIS))
                .name("service-call-replay-range").uid("service-call-replay-range");
    }

    /**
     * A replay rewrites only the intervals it can know whole: closed ones that started at least
     * the idle timeout after the first record read (an earlier call could otherwise have begun
     * the interval before the range) and ended, idle timeout and allowed lateness included,
     * before {@code --to}. At the end of a bounded input every interval is closed at its last
     * call; one still going on at {@code --to} would otherwise replace the live run's open row,
     * or its longer closed row, under the same lower bound with a truncated interval.
     */
    static DataStream<TopoEdgeRow> replayTopology(SingleOutputStreamOperator<TopoEdgeRow> rows, TopologyOptions options,
            ReplayRange replay) {
        if (!replay.isSet()) {
            return rows;
        }
        long f = replay.from().isPresent() ? replay.readFromMillis() + options.idleTimeoutMillis() : Long.MIN_VALUE;
        long t = replay.toMillis();
        long ended = options.idleTimeoutMillis() + options.allowedLatenessMillis();
        return rows.filter(r -> !r.open && r.validFromMillis >= f && r.validToMillis + ended < t)
                .name("topo-edge-replay-range").uid("topo-edge-replay-range");
    }
}
