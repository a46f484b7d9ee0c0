package org.otlpanalytics.operators.incidents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.StableHash;

/**
 * Incidents from the minutes the pipelines already compute, per resource (keyed by
 * {@link DetectorInput#key}):
 * <ul>
 *   <li>a service's request rate, error ratio and p95 latency (log space) per minute, from its
 *       SERVER/CONSUMER {@code red_1m} rows, against adaptive baselines ({@link SignalDetector});</li>
 *   <li>each edge the service calls, error ratio and p95 per 5 minutes, from {@code service_call_5m};</li>
 *   <li>a resource's utilization and saturation per minute against fixed levels, from {@code use_1m}.</li>
 * </ul>
 * Evidence ({@link #EVIDENCE}): the {@code red_1m} rows of the minutes that breached and the
 * locators of their Kafka ranges; log patterns of the service whose error counts rose during the
 * incident; the downstream edge whose latency or errors changed most against its own baseline
 * (the culprit of an incident caused downstream).
 *
 * <p><b>Event time, deterministic.</b> A window is judged when the watermark passes its end plus
 * the allowed lateness, when its rows are final (a row re-emitted after late data replaces the
 * earlier one); steps are taken in time order; ids are hashes of (tenant, resource, kind, signal,
 * peer, opening minute). The incident is dated in event time (the first breaching minute), so
 * waiting for the lateness delays when it is written, not when it says it began. A replay or a restart from a checkpoint therefore opens the same incidents with the same
 * ids. The state per resource is bounded: callees and patterns are capped, the rings are short.
 */
public class IncidentDetector extends KeyedProcessFunction<String, DetectorInput, IncidentRow> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<EvidenceRow> EVIDENCE = new OutputTag<>("incident-evidence", TypeInformation.of(EvidenceRow.class));
    public static final String METRIC_GROUP = "incidentDetector";
    static final long MINUTE = 60_000L;
    static final long EDGE_STEP = 300_000L;
    /** Gaps of at most this many minutes count as minutes without traffic. */
    static final int MAX_GAP_MINUTES = 10;
    static final int MAX_CALLEES = 64;
    static final int MAX_PATTERNS = 1024;
    static final int MAX_REFS_PER_MINUTE = 20;
    static final int MAX_EPISODES = 16;
    // state names: never change, savepoints depend on them
    static final String STATE = "incident-resource";
    static final String MINUTES = "incident-minutes";
    static final String PENDING = "incident-pending-inputs";

    private final DetectorOptions options;
    private final DetectorOptions edgeOptions;
    private final long allowedLatenessMillis;
    private final String spansTopic;
    private transient ValueState<ResourceState> state;
    private transient MapState<Long, MinuteAcc> minutes;
    private transient MapState<Long, PendingInputs> pending;
    private transient Counter opened;
    private transient Counter closed;
    private transient Counter reemitsIgnored;

    /**
     * @param spansTopic the span topic, so evidence can name the {@code kafka_locator} rows the
     *                   PostgreSQL sink writes for {@code red_1m} minutes
     */
    public IncidentDetector(DetectorOptions options, long allowedLatenessMillis, String spansTopic) {
        this.options = options;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.spansTopic = spansTopic;
        // 5-minute steps: warm up over the same span of time, open on one step, close on one quiet step
        this.edgeOptions = DetectorOptions.builder().alpha(options.alpha()).deviations(options.deviations())
                .warmup(Math.max(3, options.warmupSteps() / 5)).openWhen(1, 1).closeAfterQuiet(1)
                .minCalls(options.minCalls()).errorRatioFloor(options.errorRatioFloor())
                .latencyFloor(Math.exp(options.latencyLogFloor()) - 1).build();
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE, new ResourceStateSerializer()));
        minutes = getRuntimeContext().getMapState(new MapStateDescriptor<>(MINUTES, LongSerializer.INSTANCE, new MinuteAcc.Serializer()));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(PENDING, LongSerializer.INSTANCE, new PendingInputs.Serializer()));
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(METRIC_GROUP);
        opened = g.counter("incidentsOpened");
        closed = g.counter("incidentsClosed");
        reemitsIgnored = g.counter("reemitsIgnored");
    }

    @Override
    public void processElement(DetectorInput in, Context ctx, Collector<IncidentRow> out) throws Exception {
        ResourceState s = state.value();
        if (s == null) {
            s = new ResourceState();
            s.tenant = in.tenant;
            s.urn = in.resourceUrn;
            s.name = in.resourceName;
        }
        if (in.type == DetectorInput.RED) {
            s.name = in.resourceName; // the service's own name (an edge row may name it otherwise)
        }
        switch (in.type) {
            case DetectorInput.RED:
                if (in.windowStart <= s.lastMinute) {
                    reemitsIgnored.inc();
                    return;
                }
                MinuteAcc acc = minutes.get(in.windowStart);
                if (acc == null) {
                    acc = new MinuteAcc();
                    ctx.timerService().registerEventTimeTimer(in.windowStart + MINUTE - 1 + allowedLatenessMillis);
                }
                String ref = rowRef(in);
                acc.rows.removeIf(r -> r.ref.equals(ref)); // a re-emit before the minute was judged replaces its row
                acc.rows.add(new MinuteAcc.Row(ref, in.calls, in.errors, in.kll));
                minutes.put(in.windowStart, acc);
                break;
            case DetectorInput.CALL:
            case DetectorInput.PATTERN:
            case DetectorInput.USE:
                // judged when the watermark passes the end of its window, in time order with the minutes
                long end = in.windowStart + (in.type == DetectorInput.USE ? MINUTE : EDGE_STEP);
                PendingInputs p = pending.get(end);
                if (p == null) {
                    p = new PendingInputs();
                    ctx.timerService().registerEventTimeTimer(end - 1 + allowedLatenessMillis);
                }
                // a row re-emitted after late data replaces the earlier one of its window
                p.inputs.removeIf(x -> x.type == in.type && x.windowStart == in.windowStart
                        && java.util.Objects.equals(x.peerUrn, in.peerUrn) && x.fingerprintId == in.fingerprintId);
                p.inputs.add(copyOf(in));
                pending.put(end, p);
                break;
            default:
                return;
        }
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<IncidentRow> out) throws Exception {
        ResourceState s = state.value();
        if (s == null) {
            return;
        }
        // everything whose window ended by now, in time order: minutes first at equal ends, then USE, edges, patterns
        List<Object[]> due = new ArrayList<>();
        for (Long m : minutes.keys()) {
            if (m + MINUTE - 1 + allowedLatenessMillis <= timestamp) {
                due.add(new Object[] {m + MINUTE, 0, m});
            }
        }
        for (Long end : pending.keys()) {
            if (end - 1 + allowedLatenessMillis <= timestamp) {
                due.add(new Object[] {end, 1, end});
            }
        }
        due.sort(Comparator.<Object[]>comparingLong(x -> (Long) x[0]).thenComparingInt(x -> (Integer) x[1]));
        for (Object[] item : due) {
            long at = (Long) item[2];
            if ((Integer) item[1] == 0) {
                MinuteAcc acc = minutes.get(at);
                minutes.remove(at);
                if (acc == null || at <= s.lastMinute) {
                    continue;
                }
                if (s.lastMinute != Long.MIN_VALUE) {
                    long gap = (at - s.lastMinute) / MINUTE - 1;
                    for (long g = 1; g <= Math.min(gap, MAX_GAP_MINUTES); g++) {
                        minute(s, s.lastMinute + g * MINUTE, new MinuteAcc(), ctx, out);
                    }
                }
                minute(s, at, acc, ctx, out);
                s.lastMinute = at;
            } else {
                PendingInputs p = pending.get(at);
                pending.remove(at);
                if (p == null) {
                    continue;
                }
                p.inputs.sort(Comparator.<DetectorInput>comparingInt(x -> x.type == DetectorInput.USE ? 0 : x.type == DetectorInput.CALL ? 1 : 2)
                        .thenComparing(x -> x.peerUrn == null ? "" : x.peerUrn).thenComparingLong(x -> x.fingerprintId));
                for (DetectorInput in : p.inputs) {
                    if (in.type == DetectorInput.USE) {
                        use(s, in, ctx, out);
                    } else if (in.type == DetectorInput.CALL) {
                        call(s, in, ctx, out);
                    } else {
                        pattern(s, in, ctx);
                    }
                }
            }
        }
        state.update(s);
    }

    private static DetectorInput copyOf(DetectorInput in) {
        DetectorInput c = new DetectorInput();
        c.type = in.type;
        c.windowStart = in.windowStart;
        c.calls = in.calls;
        c.errors = in.errors;
        c.peerUrn = in.peerUrn;
        c.peerName = in.peerName;
        c.p95Ms = in.p95Ms;
        c.fingerprintId = in.fingerprintId;
        c.utilization = in.utilization;
        c.saturation = in.saturation;
        return c;
    }

    /** Judges one minute of a service. */
    private void minute(ResourceState s, long m, MinuteAcc acc, Context ctx, Collector<IncidentRow> out) {
        acc.rows.sort(Comparator.comparing(r -> r.ref));
        long calls = 0;
        long errors = 0;
        List<byte[]> sketches = new ArrayList<>();
        for (MinuteAcc.Row r : acc.rows) {
            calls += r.calls;
            errors += r.errors;
            sketches.add(r.kll);
        }
        double p95 = MergedQuantile.of(sketches, 0.95);
        long locator = StableHash.positiveId("red_1m", s.tenant, s.urn, Long.toString(m), spansTopic);
        List<String> refs = new ArrayList<>();
        acc.rows.stream().sorted(Comparator.comparingLong((MinuteAcc.Row r) -> -r.calls).thenComparing(r -> r.ref))
                .limit(MAX_REFS_PER_MINUTE).forEach(r -> refs.add(r.ref));
        s.recent.addLast(new ResourceState.MinuteRefs(m, locator, refs));
        while (s.recent.size() > options.openWindow()) {
            s.recent.removeFirst();
        }
        boolean judged = calls >= options.minCalls();
        double rate = calls / 60.0;
        double rateFloor = Math.max(options.rateRelativeFloor() * s.rate.baseline().mean(), 1.0 / 60);
        step(s, Signal.REQUEST_RATE, s.rate, s.rate.observe(Signal.REQUEST_RATE, m, MINUTE, rate,
                acc.rows.isEmpty() ? s.rate.baseline().samples() > 0 : true, rateFloor, options), m, ctx, out);
        step(s, Signal.ERROR_RATIO, s.errors, s.errors.observe(Signal.ERROR_RATIO, m, MINUTE,
                calls == 0 ? Double.NaN : (double) errors / calls, judged, options.errorRatioFloor(), options), m, ctx, out);
        step(s, Signal.LATENCY_P95, s.latency, s.latency.observe(Signal.LATENCY_P95, m, MINUTE,
                p95 > 0 ? Math.log(p95) : Double.NaN, judged, options.latencyLogFloor(), options), m, ctx, out);
    }

    /** What a service signal's step means for its incident and the evidence. */
    private void step(ResourceState s, Signal signal, SignalDetector d, SignalDetector.Outcome o, long m, Context ctx,
            Collector<IncidentRow> out) {
        if (o == SignalDetector.Outcome.NOTHING) {
            return;
        }
        ResourceState.Episode e;
        if (o == SignalDetector.Outcome.OPENED) {
            e = new ResourceState.Episode();
            e.opened = d.openedAt();
            e.eventId = eventId(s, "service", signal, null, e.opened);
            s.episodes.put(signal.label(), e);
            trimEpisodes(s);
            opened.inc();
            // the minutes of the window that opened it
            for (ResourceState.MinuteRefs r : s.recent) {
                if (r.minute >= e.opened) {
                    cite(e, s, r, ctx);
                }
            }
        } else {
            e = s.episodes.get(signal.label());
            if (e == null) {
                return;
            }
            if (o == SignalDetector.Outcome.UPDATED) {
                cite(e, s, s.recent.peekLast(), ctx);
            } else {
                e.closed = d.closedAt(MINUTE);
                closed.inc();
            }
        }
        out.collect(row(s, "service", signal, null, null, d, e.eventId, e.opened,
                o == SignalDetector.Outcome.CLOSED ? e.closed : null, MINUTE));
    }

    private void cite(ResourceState.Episode e, ResourceState s, ResourceState.MinuteRefs r, Context ctx) {
        if (r == null) {
            return;
        }
        for (String ref : r.rows) {
            ctx.output(EVIDENCE, EvidenceRow.of(e.eventId, s.tenant, "red_1m", ref, s.urn, 0));
        }
        ctx.output(EVIDENCE, EvidenceRow.of(e.eventId, s.tenant, "kafka_locator", Long.toString(r.locatorId),
                "red_1m minute " + java.time.Instant.ofEpochMilli(r.minute) + " of " + s.urn, 0));
    }

    /** An edge row: its own detectors (edge incidents), and culprit scoring for the service's incidents. */
    private void call(ResourceState s, DetectorInput in, Context ctx, Collector<IncidentRow> out) {
        ResourceState.EdgeTrack t = s.callees.get(in.peerUrn);
        if (t == null) {
            if (s.callees.size() >= MAX_CALLEES) {
                return;
            }
            t = new ResourceState.EdgeTrack();
            t.name = in.peerName;
            s.callees.put(in.peerUrn, t);
        }
        if (in.windowStart <= t.lastBucket) {
            reemitsIgnored.inc();
            return;
        }
        t.lastBucket = in.windowStart;
        boolean judged = in.calls >= edgeOptions.minCalls();
        double ratio = in.calls == 0 ? Double.NaN : (double) in.errors / in.calls;
        double logP95 = in.p95Ms > 0 ? Math.log(in.p95Ms) : Double.NaN;
        // how far this window lies from the edge's own baseline, before it learns from it
        double errScore = judged && t.errors.baseline().samples() >= edgeOptions.warmupSteps()
                ? t.errors.baseline().score(ratio, edgeOptions.errorRatioFloor()) : 0;
        double latScore = judged && !Double.isNaN(logP95) && t.latency.baseline().samples() >= edgeOptions.warmupSteps()
                ? t.latency.baseline().score(logP95, edgeOptions.latencyLogFloor()) : 0;
        double change = Math.max(errScore, latScore);
        for (ResourceState.Episode e : s.episodes.values()) {
            if (e.overlaps(in.windowStart, in.windowStart + EDGE_STEP) && change > e.culpritScore) {
                e.culpritScore = change;
                e.culprit = in.peerUrn;
                ctx.output(EVIDENCE, EvidenceRow.of(e.eventId, s.tenant, "downstream_edge", "most_changed", in.peerUrn
                        + String.format(Locale.ROOT, " (%s): p95 %.1f ms (%+.1f dev), errors %.1f%% (%+.1f dev) in the 5 minutes from %s",
                                in.peerName, in.p95Ms, latScore, 100 * (Double.isNaN(ratio) ? 0 : ratio), errScore,
                                java.time.Instant.ofEpochMilli(in.windowStart)), change));
            }
        }
        edgeStep(s, t, in, Signal.ERROR_RATIO, t.errors, t.errors.observe(Signal.ERROR_RATIO, in.windowStart, EDGE_STEP,
                ratio, judged, edgeOptions.errorRatioFloor(), edgeOptions), out);
        edgeStep(s, t, in, Signal.LATENCY_P95, t.latency, t.latency.observe(Signal.LATENCY_P95, in.windowStart, EDGE_STEP,
                logP95, judged, edgeOptions.latencyLogFloor(), edgeOptions), out);
    }

    private void edgeStep(ResourceState s, ResourceState.EdgeTrack t, DetectorInput in, Signal signal, SignalDetector d,
            SignalDetector.Outcome o, Collector<IncidentRow> out) {
        if (o == SignalDetector.Outcome.NOTHING) {
            return;
        }
        if (o == SignalDetector.Outcome.OPENED) {
            opened.inc();
        } else if (o == SignalDetector.Outcome.CLOSED) {
            closed.inc();
        }
        long id = eventId(s, "edge", signal, in.peerUrn, d.openedAt());
        out.collect(row(s, "edge", signal, in.peerUrn, t.name, d, id, d.openedAt(),
                o == SignalDetector.Outcome.CLOSED ? d.closedAt(EDGE_STEP) : null, EDGE_STEP));
    }

    /** A pattern window: evidence when its error count rose during one of the service's incidents. */
    private void pattern(ResourceState s, DetectorInput in, Context ctx) {
        if (in.errors == 0 && !s.patterns.containsKey(in.fingerprintId)) {
            return;
        }
        ResourceState.PatternTrack t = s.patterns.get(in.fingerprintId);
        if (t == null) {
            if (s.patterns.size() >= MAX_PATTERNS) {
                return;
            }
            t = new ResourceState.PatternTrack();
            s.patterns.put(in.fingerprintId, t);
        }
        if (in.windowStart <= t.lastWindow) {
            reemitsIgnored.inc();
            return;
        }
        // windows without the pattern count as zero errors
        if (t.lastWindow != Long.MIN_VALUE) {
            long gap = Math.min(12, (in.windowStart - t.lastWindow) / EDGE_STEP - 1);
            for (long g = 0; g < gap; g++) {
                t.errors.update(0, options.alpha());
            }
        }
        t.lastWindow = in.windowStart;
        double expected = t.errors.mean();
        double spread = Math.max(t.errors.deviation(), 1.0);
        boolean rose = in.errors >= 3 && in.errors > expected + options.deviations() * spread;
        if (rose) {
            for (ResourceState.Episode e : s.episodes.values()) {
                if (e.overlaps(in.windowStart, in.windowStart + EDGE_STEP)) {
                    ctx.output(EVIDENCE, EvidenceRow.of(e.eventId, s.tenant, "log_pattern", fingerprint(in.fingerprintId),
                            String.format(Locale.ROOT, "%d errors in the 5 minutes from %s, baseline %.1f", in.errors,
                                    java.time.Instant.ofEpochMilli(in.windowStart), expected), in.errors - expected));
                }
            }
        }
        t.errors.update(in.errors, options.alpha());
    }

    /** A USE minute: utilization and saturation against their levels. */
    private void use(ResourceState s, DetectorInput in, Context ctx, Collector<IncidentRow> out) {
        if (in.windowStart <= s.lastUseMinute) {
            reemitsIgnored.inc();
            return;
        }
        s.lastUseMinute = in.windowStart;
        useStep(s, Signal.UTILIZATION, s.utilization, s.utilization.observeLevel(in.windowStart, MINUTE, in.utilization,
                options.utilizationLevel(), options), out);
        useStep(s, Signal.SATURATION, s.saturation, s.saturation.observeLevel(in.windowStart, MINUTE, in.saturation,
                options.saturationLevel(), options), out);
    }

    private void useStep(ResourceState s, Signal signal, SignalDetector d, SignalDetector.Outcome o, Collector<IncidentRow> out) {
        if (o == SignalDetector.Outcome.NOTHING) {
            return;
        }
        if (o == SignalDetector.Outcome.OPENED) {
            opened.inc();
        } else if (o == SignalDetector.Outcome.CLOSED) {
            closed.inc();
        }
        long id = eventId(s, "resource", signal, null, d.openedAt());
        out.collect(row(s, "resource", signal, null, null, d, id, d.openedAt(),
                o == SignalDetector.Outcome.CLOSED ? d.closedAt(MINUTE) : null, MINUTE));
    }

    private void trimEpisodes(ResourceState s) {
        while (s.episodes.size() > MAX_EPISODES) {
            Iterator<Map.Entry<String, ResourceState.Episode>> it = s.episodes.entrySet().iterator();
            Map.Entry<String, ResourceState.Episode> oldest = it.next();
            for (Map.Entry<String, ResourceState.Episode> x : s.episodes.entrySet()) {
                if (x.getValue().opened < oldest.getValue().opened) {
                    oldest = x;
                }
            }
            s.episodes.remove(oldest.getKey());
        }
    }

    static long eventId(ResourceState s, String kind, Signal signal, String peer, long openedAt) {
        return StableHash.positiveId("incident", s.tenant, s.urn, kind, signal.label(), peer == null ? "" : peer,
                Long.toString(openedAt));
    }

    static String rowRef(DetectorInput in) {
        return java.time.Instant.ofEpochMilli(in.windowStart) + "|" + in.operation + "|" + in.spanKind + "|" + in.status;
    }

    static String fingerprint(long id) {
        String hex = Long.toHexString(id);
        return "0000000000000000".substring(hex.length()) + hex;
    }

    /** The incident row of a signal's current incident, with its numbers in words. */
    static IncidentRow row(ResourceState s, String kind, Signal signal, String peerUrn, String peerName, SignalDetector d,
            long eventId, long openedAt, Long closedAt, long stepMillis) {
        IncidentRow r = new IncidentRow();
        r.eventId = eventId;
        r.tenant = s.tenant;
        r.resourceUrn = s.urn;
        r.resourceName = s.name;
        r.kind = kind;
        r.signal = signal.label();
        r.peerUrn = peerUrn;
        r.peerName = peerName;
        r.openedMillis = openedAt;
        r.closedMillis = closedAt;
        boolean logSpace = signal == Signal.LATENCY_P95;
        r.observed = logSpace ? Math.exp(d.peakValue()) : d.peakValue();
        r.baseline = logSpace ? Math.exp(d.peakBaseline()) : d.peakBaseline();
        r.deviations = d.peakScore();
        String who = peerName == null ? s.name : s.name + " -> " + peerName;
        String what;
        boolean critical;
        switch (signal) {
            case LATENCY_P95:
                double x = r.baseline > 0 ? r.observed / r.baseline : Double.NaN;
                what = String.format(Locale.ROOT, "p95 latency %.1f ms vs baseline %.1f ms (%.1fx, %+.1f deviations)",
                        r.observed, r.baseline, x, r.deviations);
                critical = x >= 3;
                break;
            case ERROR_RATIO:
                what = String.format(Locale.ROOT, "error ratio %.1f%% vs baseline %.1f%% (%+.1f deviations)",
                        100 * r.observed, 100 * r.baseline, r.deviations);
                critical = r.observed >= 0.25;
                break;
            case REQUEST_RATE:
                what = String.format(Locale.ROOT, "request rate %.2f/s vs baseline %.2f/s (%+.1f deviations)",
                        r.observed, r.baseline, r.deviations);
                critical = r.baseline > 0 && (r.observed / r.baseline <= 0.25 || r.observed / r.baseline >= 4);
                break;
            default:
                what = String.format(Locale.ROOT, "%s %.2f at or above %.2f", signal.label(), r.observed, r.baseline);
                critical = r.observed >= 1.0;
                break;
        }
        r.severity = critical ? "critical" : "warning";
        r.title = who + ": " + signal.label() + (closedAt == null ? "" : " (resolved)");
        r.summary = who + ": " + what + " since " + java.time.Instant.ofEpochMilli(openedAt)
                + (closedAt == null ? "" : " until " + java.time.Instant.ofEpochMilli(closedAt));
        return r;
    }
}
