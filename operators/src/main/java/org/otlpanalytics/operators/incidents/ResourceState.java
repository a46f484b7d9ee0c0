package org.otlpanalytics.operators.incidents;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Everything the detector keeps about one resource (a service, or a host for USE): its signals'
 * detectors, the edges it calls, the log patterns it writes with errors, its recent minutes (for
 * evidence) and its recent incidents. Bounded: callees and patterns are capped
 * ({@link IncidentDetector}), recent minutes and incidents are short rings.
 */
final class ResourceState {
    String tenant;
    String urn;
    String name;
    /** RED minutes processed through (later rows of them are re-emits after late data: ignored). */
    long lastMinute = Long.MIN_VALUE;
    long lastUseMinute = Long.MIN_VALUE;
    final SignalDetector rate;
    final SignalDetector errors;
    final SignalDetector latency;
    final SignalDetector utilization;
    final SignalDetector saturation;
    final TreeMap<String, EdgeTrack> callees;
    final TreeMap<Long, PatternTrack> patterns;
    /** The last few minutes: their row refs and locator, so an incident can cite the minutes that opened it. */
    final ArrayDeque<MinuteRefs> recent;
    /** Incidents of this service, open or recently closed, by signal label. */
    final TreeMap<String, Episode> episodes;

    ResourceState() {
        this(new SignalDetector(), new SignalDetector(), new SignalDetector(), new SignalDetector(), new SignalDetector(),
                new TreeMap<>(), new TreeMap<>(), new ArrayDeque<>(), new TreeMap<>());
    }

    ResourceState(SignalDetector rate, SignalDetector errors, SignalDetector latency, SignalDetector utilization,
            SignalDetector saturation, TreeMap<String, EdgeTrack> callees, TreeMap<Long, PatternTrack> patterns,
            ArrayDeque<MinuteRefs> recent, TreeMap<String, Episode> episodes) {
        this.rate = rate;
        this.errors = errors;
        this.latency = latency;
        this.utilization = utilization;
        this.saturation = saturation;
        this.callees = callees;
        this.patterns = patterns;
        this.recent = recent;
        this.episodes = episodes;
    }

    /** One callee of this service: its 5-minute error and latency detectors. */
    static final class EdgeTrack {
        String name;
        long lastBucket = Long.MIN_VALUE;
        final SignalDetector errors;
        final SignalDetector latency;

        EdgeTrack() {
            this(new SignalDetector(), new SignalDetector());
        }

        EdgeTrack(SignalDetector errors, SignalDetector latency) {
            this.errors = errors;
            this.latency = latency;
        }
    }

    /** One log pattern with errors: the baseline of its error count per 5-minute window. */
    static final class PatternTrack {
        long lastWindow = Long.MIN_VALUE;
        final EwmaBaseline errors;

        PatternTrack() {
            this(new EwmaBaseline());
        }

        PatternTrack(EwmaBaseline errors) {
            this.errors = errors;
        }
    }

    /** A minute of the service as evidence: the refs of its rows and the locator id of its Kafka range. */
    static final class MinuteRefs {
        long minute;
        long locatorId;
        final List<String> rows;

        MinuteRefs(long minute, long locatorId, List<String> rows) {
            this.minute = minute;
            this.locatorId = locatorId;
            this.rows = rows;
        }
    }

    /** An incident of this service: its id and span, and the downstream edge that changed most during it. */
    static final class Episode {
        long eventId;
        long opened;
        /** Long.MAX_VALUE while open. */
        long closed = Long.MAX_VALUE;
        double culpritScore;
        String culprit;

        boolean overlaps(long start, long end) {
            return start < closed && end > opened;
        }
    }

    static List<String> newRefs() {
        return new ArrayList<>();
    }
}
