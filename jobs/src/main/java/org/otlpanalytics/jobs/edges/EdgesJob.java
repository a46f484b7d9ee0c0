package org.otlpanalytics.jobs.edges;

import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.jobs.sink.postgres.AgeGraph;
import org.otlpanalytics.jobs.sink.postgres.LiveGraphSink;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.ServiceCallRowMapper;
import org.otlpanalytics.jobs.sink.postgres.TopoEdgeRowMapper;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.edges.Edge;
import org.otlpanalytics.operators.edges.EdgePairer;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.EdgePartialSerializer;
import org.otlpanalytics.operators.edges.EdgePreAggregator;
import org.otlpanalytics.operators.edges.EdgeStoreOptions;
import org.otlpanalytics.operators.edges.LateEdgeDeadLetter;
import org.otlpanalytics.operators.edges.PairableSpanFilter;
import org.otlpanalytics.operators.edges.PendingSpan;
import org.otlpanalytics.operators.edges.PendingSpanMapper;
import org.otlpanalytics.operators.edges.PendingSpanSerializer;
import org.otlpanalytics.operators.edges.ServiceCallAggregator;
import org.otlpanalytics.operators.edges.ServiceCallOptions;
import org.otlpanalytics.operators.edges.ServiceCallRow;
import org.otlpanalytics.operators.edges.VirtualPeerLimiter;
import org.otlpanalytics.operators.topology.EdgeTopologyTracker;
import org.otlpanalytics.operators.topology.LiveEdge;
import org.otlpanalytics.operators.topology.TopoEdgeRow;
import org.otlpanalytics.operators.topology.TopologyOptions;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.Decoded;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Service-call edges from {@code otlp_spans}: decode → pairable spans → pairing keyed by trace →
 * per directed edge, 5-minute rows ({@code service_call_5m}) and validity intervals
 * ({@code topo_edge_time}) with the live graph ({@code live_edge}, AGE) beside them. Wires
 * only; computes nothing.
 *
 * <p>Its settings are read from the job options when present (defaults otherwise):
 * {@value #STORE_TTL} (10s), {@value #STORE_MAX_ITEMS} (100000), {@value #IDLE_TIMEOUT} (10m),
 * {@value #LIVE_WINDOW} (10m), {@value #LIVE_REFRESH} (1m), {@value #LIVE_AGE} (auto) and
 * {@value #LIVE_AGE_GRAPH} (ops); the allowed lateness and out-of-orderness are the jobs' own.
 */
public final class EdgesJob {
    public static final String JOB = "edges";
    public static final String STORE_TTL = "edges-store-ttl";
    public static final String STORE_MAX_ITEMS = "edges-store-max-items";
    public static final String IDLE_TIMEOUT = "edges-topology-idle-timeout";
    public static final String LIVE_WINDOW = "edges-live-window";
    public static final String LIVE_REFRESH = "edges-live-refresh-interval";
    public static final String LIVE_AGE = "edges-live-age";
    public static final String LIVE_AGE_GRAPH = "edges-live-age-graph";
    /** Partials buffered per pre-aggregating subtask before an early flush. */
    static final int PREAGGREGATE_MAX_ENTRIES = 10_000;

    private EdgesJob() {}

    /** Where the pipeline writes; a null sink leaves that output out. */
    public record Sinks(Sink<ServiceCallRow> serviceCalls, Sink<TopoEdgeRow> topology, Sink<LiveEdge> liveGraph) {}

    /** The PostgreSQL (and AGE) sinks of the cluster job. */
    public static Sinks postgresSinks(PostgresSinkConfig pg, JobOptions o) {
        String topic = o.require(JobOptions.SPANS_TOPIC);
        return new Sinks(new PostgresUpsertSink<>(pg, new ServiceCallRowMapper(topic)),
                new PostgresUpsertSink<>(pg, new TopoEdgeRowMapper()),
                new LiveGraphSink(pg, AgeGraph.Mode.parse(orDefault(o, LIVE_AGE, "auto")),
                        orDefault(o, LIVE_AGE_GRAPH, AgeGraph.DEFAULT_GRAPH)));
    }

    /** The span source's options: a consumer group of its own, apart from the RED job's. */
    public static JobOptions sourceOptions(JobOptions o) {
        return o.with(JobOptions.GROUP_ID, o.require(JobOptions.GROUP_ID) + "-" + JOB);
    }

    public static EdgeStoreOptions storeOptions(JobOptions o) {
        EdgeStoreOptions.Builder b = EdgeStoreOptions.builder();
        if (o.get(STORE_TTL) != null) {
            b.ttl(o.getDuration(STORE_TTL));
        }
        if (o.get(STORE_MAX_ITEMS) != null) {
            b.maxItems(o.getInt(STORE_MAX_ITEMS));
        }
        EdgeStoreOptions store = b.build();
        // an unpaired half is named when the watermark passes its end + TTL, and its call is dated
        // by its start: with a lateness shorter than the wait, every such call would be late
        long lateness = o.getDuration(JobOptions.ALLOWED_LATENESS).toMillis();
        if (store.ttlMillis() >= lateness) {
            throw new IllegalArgumentException("--" + STORE_TTL + " (" + store.ttlMillis() + " ms) must be shorter than --"
                    + JobOptions.ALLOWED_LATENESS + " (" + lateness + " ms): calls named after the wait would all be late");
        }
        return store;
    }

    public static ServiceCallOptions serviceCallOptions(JobOptions o) {
        return ServiceCallOptions.builder().allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS)).build();
    }

    public static TopologyOptions topologyOptions(JobOptions o) {
        TopologyOptions.Builder b = TopologyOptions.builder().allowedLateness(o.getDuration(JobOptions.ALLOWED_LATENESS));
        if (o.get(IDLE_TIMEOUT) != null) {
            b.idleTimeout(o.getDuration(IDLE_TIMEOUT));
        }
        if (o.get(LIVE_WINDOW) != null) {
            b.liveWindow(o.getDuration(LIVE_WINDOW));
        }
        if (o.get(LIVE_REFRESH) != null) {
            b.liveRefresh(o.getDuration(LIVE_REFRESH));
        }
        return b.build();
    }

    /**
     * Builds the edge pipeline; {@code tap} (may be null) sees every span after decoding, which
     * tests use to inject a failure. Returns the edges, for callers that want to add outputs.
     */
    public static SingleOutputStreamOperator<Edge> buildPipeline(StreamExecutionEnvironment env,
            Source<Decoded<SpanRecord>, ?, ?> source, JobOptions o, Sink<DeadLetter> deadLetters, Sinks sinks,
            MapFunction<SpanRecord, SpanRecord> tap) {
        String topic = o.require(JobOptions.SPANS_TOPIC);
        TopologyOptions topologyOptions = topologyOptions(o);
        // read, decode, dead-letter, watermark
        DataStream<SpanRecord> spans = IngestStage.build(env, source, new SpanDecoder(o.encoding()), SpanRecord.class,
                "edge-spans", o, deadLetters);
        if (tap != null) {
            spans = spans.map(tap).name("edge-spans-tap").uid("edge-spans-tap");
        }
        // only CLIENT/PRODUCER and SERVER/CONSUMER spans can be half of a call, shipped as compact halves
        EdgeStoreOptions store = storeOptions(o);
        DataStream<PendingSpan> halves = spans.filter(new PairableSpanFilter())
                .name("edge-pairable-spans").uid("edge-pairable-spans")
                .map(new PendingSpanMapper(store)).returns(PendingSpanSerializer.TYPE)
                .name("edge-halves").uid("edge-halves");
        // the two halves of a call meet in their trace: paired, or named after a bounded wait
        SingleOutputStreamOperator<Edge> edges = halves
                .keyBy(EdgePairer::traceKey, Types.LONG)
                .transform("edge-pairer", TypeInformation.of(Edge.class), new EdgePairer(store))
                .uid("edge-pairer");
        // per edge and slot, pre-aggregated next to the pairing; calls beyond the lateness leave here
        long slot = topologyOptions.slotMillis();
        long lateness = topologyOptions.allowedLatenessMillis();
        SingleOutputStreamOperator<EdgePartial> partials = edges
                .transform("edge-preaggregate", EdgePartialSerializer.TYPE,
                        new EdgePreAggregator(slot, lateness, PREAGGREGATE_MAX_ENTRIES))
                .uid("edge-preaggregate");
        // bounded peers per caller and slot: the peers with the smallest hashes are kept, the rest fold into one
        SingleOutputStreamOperator<EdgePartial> toPeers = partials.filter(VirtualPeerLimiter::toVirtualPeer)
                .name("edge-to-virtual-peers").uid("edge-to-virtual-peers")
                .keyBy(VirtualPeerLimiter::callerKey, Types.STRING)
                .transform("edge-peer-limit", EdgePartialSerializer.TYPE, new HorizonKeyedProcessOperator<>(
                        new VirtualPeerLimiter(o.getInt(JobOptions.EDGES_MAX_PEERS_PER_CALLER), slot, lateness)))
                .uid("edge-peer-limiter");
        DataStream<EdgePartial> bounded = partials.filter(p -> !p.toVirtualPeer())
                .name("edge-between-services").uid("edge-between-services")
                .union(toPeers);
        // per directed edge: 5-minute calls, errors and quantiles
        SingleOutputStreamOperator<ServiceCallRow> calls = bounded
                .keyBy(ServiceCallAggregator::edgeKey, Types.STRING)
                .transform("service-call-5m", TypeInformation.of(ServiceCallRow.class),
                        new HorizonKeyedProcessOperator<>(new ServiceCallAggregator(serviceCallOptions(o))))
                .uid("service-call-aggregator");
        // per directed edge: validity intervals, and the live graph on a side output
        SingleOutputStreamOperator<TopoEdgeRow> topology = bounded
                .keyBy(ServiceCallAggregator::edgeKey, Types.STRING)
                .transform("edge-topology", TypeInformation.of(TopoEdgeRow.class),
                        new HorizonKeyedProcessOperator<>(new EdgeTopologyTracker(topologyOptions)))
                .uid("edge-topology");
        // calls later than the allowed lateness: counted, and kept in the dead-letter topic
        DataStream<DeadLetter> lateCalls = partials.getSideOutput(EdgePreAggregator.LATE_EDGES)
                .map(e -> LateEdgeDeadLetter.of(e, topic, "edges")).name("edge-late-edges").uid("edge-late-edges");
        DataStream<DeadLetter> latePartials = toPeers.getSideOutput(VirtualPeerLimiter.LATE_PARTIALS)
                .union(calls.getSideOutput(ServiceCallAggregator.LATE_PARTIALS),
                        topology.getSideOutput(EdgeTopologyTracker.LATE_PARTIALS))
                .map(p -> LateEdgeDeadLetter.of(p, topic, "edges")).name("edge-late-partials").uid("edge-late-partials");
        lateCalls.union(latePartials)
                .sinkTo(deadLetters).name("edge-late-dead-letters").uid("edge-late-dead-letters");
        Instant from = o.getInstant(JobOptions.FROM);
        Instant to = o.getInstant(JobOptions.TO);
        boolean replay = from != null || to != null;
        if (sinks.serviceCalls() != null) {
            replayCalls(calls, from, to).sinkTo(sinks.serviceCalls()).name("service-call-5m-sink").uid("service-call-5m-sink");
        }
        if (sinks.topology() != null) {
            replayTopology(topology, o, topologyOptions, from, to).sinkTo(sinks.topology())
                    .name("topo-edge-time-sink").uid("topo-edge-time-sink");
        }
        // the live graph is "now": a replay of the past leaves it to the streaming job
        if (sinks.liveGraph() != null && !replay) {
            topology.getSideOutput(EdgeTopologyTracker.LIVE_EDGES)
                    .sinkTo(sinks.liveGraph()).name("live-graph-sink").uid("live-graph-sink")
                    .setParallelism(1);
        }
        return edges;
    }

    /** A replay rewrites only the whole 5-minute buckets inside [--from, --to). */
    static DataStream<ServiceCallRow> replayCalls(SingleOutputStreamOperator<ServiceCallRow> rows, Instant from, Instant to) {
        if (from == null && to == null) {
            return rows;
        }
        long f = from == null ? Long.MIN_VALUE : from.toEpochMilli();
        long t = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        return rows.filter(r -> r.bucketStartMillis >= f && r.bucketStartMillis + ServiceCallOptions.WINDOW_MILLIS <= t)
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
    static DataStream<TopoEdgeRow> replayTopology(SingleOutputStreamOperator<TopoEdgeRow> rows, JobOptions o,
            TopologyOptions options, Instant from, Instant to) {
        if (from == null && to == null) {
            return rows;
        }
        Duration margin = o.getDuration(JobOptions.OUT_OF_ORDERNESS).plus(o.getDuration(JobOptions.ALLOWED_LATENESS))
                .plus(Duration.ofMinutes(1));
        long f = from == null ? Long.MIN_VALUE : from.toEpochMilli() - margin.toMillis() + options.idleTimeoutMillis();
        long t = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        long ended = options.idleTimeoutMillis() + options.allowedLatenessMillis();
        return rows.filter(r -> !r.open && r.validFromMillis >= f && r.validToMillis + ended < t)
                .name("topo-edge-replay-range").uid("topo-edge-replay-range");
    }

    private static String orDefault(JobOptions o, String key, String dflt) {
        String v = o.get(key);
        return v == null || v.isEmpty() ? dflt : v;
    }
}
