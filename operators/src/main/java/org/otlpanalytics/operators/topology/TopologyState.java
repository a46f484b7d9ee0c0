package org.otlpanalytics.operators.topology;

import org.otlpanalytics.operators.edges.Edge;

/** What {@link EdgeTopologyTracker} keeps per directed edge: its names, runs and live window. */
public final class TopologyState {
    static final long NONE = Long.MIN_VALUE;

    String tenant;
    String callerUrn;
    String callerName;
    boolean callerVirtual;
    String calleeUrn;
    String calleeName;
    boolean calleeVirtual;
    final EdgeRuns runs;
    final LiveWindow live;
    /** Runs of calls with the live window as gap: the current one's start is the live edge's first_seen. */
    final EdgeRuns liveRuns;
    boolean liveShown;
    long nextLiveRefresh = NONE;
    long scheduledTimer = NONE;

    TopologyState(EdgeRuns runs, LiveWindow live, EdgeRuns liveRuns) {
        this.runs = runs;
        this.live = live;
        this.liveRuns = liveRuns;
    }

    static TopologyState of(Edge e) {
        TopologyState s = new TopologyState(new EdgeRuns(), new LiveWindow(), new EdgeRuns());
        s.tenant = e.tenant;
        s.callerUrn = e.callerUrn;
        s.callerName = e.callerName;
        s.callerVirtual = e.callerVirtual;
        s.calleeUrn = e.calleeUrn;
        s.calleeName = e.calleeName;
        s.calleeVirtual = e.calleeVirtual;
        return s;
    }

    boolean isIdle() {
        return runs.isEmpty() && live.isEmpty() && !liveShown;
    }
}
