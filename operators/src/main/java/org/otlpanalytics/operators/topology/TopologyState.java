package org.otlpanalytics.operators.topology;

import org.otlpanalytics.operators.edges.EdgePartial;

/**
 * What {@link EdgeTopologyTracker} keeps per directed edge besides the live window's slots (which
 * are map-state entries of their own): its names, runs, live runs and schedule. Small, so that a
 * partial reads and writes little on RocksDB.
 */
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
    /** Runs of calls with the live window as gap: the current one's start is the live edge's first_seen. */
    final EdgeRuns liveRuns;
    boolean liveShown;
    long nextLiveRefresh = NONE;
    long scheduledTimer = NONE;
    /** Live-window slots held in the tracker's map state, and the latest call in them. */
    int liveSlots;
    long liveLastCall = Long.MIN_VALUE;
    /**
     * The whole live window as version 1 of the state kept it inside this value; moved into the
     * map state on first use after a restore, null otherwise.
     */
    transient LiveWindow legacyLive;

    TopologyState(EdgeRuns runs, EdgeRuns liveRuns) {
        this.runs = runs;
        this.liveRuns = liveRuns;
    }

    static TopologyState of(EdgePartial p) {
        TopologyState s = new TopologyState(new EdgeRuns(), new EdgeRuns());
        s.tenant = p.tenant;
        s.callerUrn = p.callerUrn;
        s.callerName = p.callerName;
        s.callerVirtual = p.callerVirtual;
        s.calleeUrn = p.calleeUrn;
        s.calleeName = p.calleeName;
        s.calleeVirtual = p.calleeVirtual;
        return s;
    }

    boolean isIdle() {
        return runs.isEmpty() && liveSlots == 0 && !liveShown;
    }
}
