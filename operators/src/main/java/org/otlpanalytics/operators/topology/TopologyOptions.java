package org.otlpanalytics.operators.topology;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.edges.ServiceCallOptions;

/**
 * Settings of the temporal topology ({@code topo_edge_time}) and of the live graph, immutable;
 * built with {@link #builder()}.
 *
 * <pre>{@code
 * TopologyOptions o = TopologyOptions.builder().idleTimeout(Duration.ofMinutes(10)).liveWindow(Duration.ofMinutes(10)).build();
 * }</pre>
 */
public final class TopologyOptions implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String IDLE_TIMEOUT_KEY = "edges.topology.idle-timeout";
    public static final String ALLOWED_LATENESS_KEY = "edges.allowed-lateness";
    public static final String LIVE_WINDOW_KEY = "edges.live.window";
    public static final String LIVE_REFRESH_KEY = "edges.live.refresh-interval";

    private final long idleTimeoutMillis;
    private final long allowedLatenessMillis;
    private final long liveWindowMillis;
    private final long liveRefreshMillis;

    TopologyOptions(long idleTimeoutMillis, long allowedLatenessMillis, long liveWindowMillis, long liveRefreshMillis) {
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.liveWindowMillis = liveWindowMillis;
        this.liveRefreshMillis = liveRefreshMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TopologyOptions defaults() {
        return builder().build();
    }

    /** An edge's validity interval closes after this long without a call ({@code edges.topology.idle-timeout}). */
    public long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** How late an edge may arrive behind the watermark and still count ({@code edges.allowed-lateness}). */
    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    /** The live graph holds the edges called in this much event time ({@code edges.live.window}). */
    public long liveWindowMillis() {
        return liveWindowMillis;
    }

    /** The live graph's properties are recomputed this often in event time ({@code edges.live.refresh-interval}). */
    public long liveRefreshMillis() {
        return liveRefreshMillis;
    }

    /**
     * Width of the slots calls are pre-aggregated in ({@code EdgePreAggregator}) and judged late
     * by: the largest width that divides the refresh interval, the 5-minute buckets of
     * {@code service_call_5m} and the idle timeout, so that a slot lies within one of each and
     * all calls of a slot belong to one run (1 minute with the defaults).
     */
    public long slotMillis() {
        return gcd(gcd(liveRefreshMillis, ServiceCallOptions.WINDOW_MILLIS), idleTimeoutMillis);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration allowedLateness = Duration.ofMinutes(2);
        private Duration liveWindow = Duration.ofMinutes(10);
        private Duration liveRefresh = Duration.ofMinutes(1);

        Builder() {}

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        public Builder allowedLateness(Duration d) {
            this.allowedLateness = d;
            return this;
        }

        public Builder liveWindow(Duration d) {
            this.liveWindow = d;
            return this;
        }

        public Builder liveRefresh(Duration d) {
            this.liveRefresh = d;
            return this;
        }

        /** Checks every setting at once and names each bad one by its key. */
        public TopologyOptions build() {
            List<String> problems = new ArrayList<>(4);
            if (idleTimeout == null || idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                problems.add(IDLE_TIMEOUT_KEY + " must be at least 1 s, got " + idleTimeout);
            }
            if (allowedLateness == null || allowedLateness.isNegative()) {
                problems.add(ALLOWED_LATENESS_KEY + " must be >= 0, got " + allowedLateness);
            }
            if (liveRefresh == null || liveRefresh.compareTo(Duration.ofSeconds(1)) < 0) {
                problems.add(LIVE_REFRESH_KEY + " must be at least 1 s, got " + liveRefresh);
            } else if (liveWindow == null || liveWindow.compareTo(liveRefresh) < 0
                    || liveWindow.toMillis() % liveRefresh.toMillis() != 0) {
                problems.add(LIVE_WINDOW_KEY + " must be a multiple of " + LIVE_REFRESH_KEY + " (" + liveRefresh
                        + "), got " + liveWindow);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new TopologyOptions(idleTimeout.toMillis(), allowedLateness.toMillis(), liveWindow.toMillis(),
                    liveRefresh.toMillis());
        }
    }
}
