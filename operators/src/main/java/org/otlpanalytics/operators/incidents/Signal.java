package org.otlpanalytics.operators.incidents;

/**
 * The signals the detector watches, with the direction that is bad and how a value is put on a
 * scale where deviations are comparable: request rate (a drop, or a surge, per second), error
 * ratio (a rise) and p95 latency (a rise, in log space, so a 2x slowdown of a 5 ms service and of
 * a 500 ms one weigh the same).
 */
public enum Signal {
    REQUEST_RATE("rate", Direction.BOTH),
    ERROR_RATIO("errors", Direction.UP),
    LATENCY_P95("latency", Direction.UP),
    UTILIZATION("utilization", Direction.UP),
    SATURATION("saturation", Direction.UP);

    /** Which side of the baseline is an anomaly. */
    public enum Direction {
        UP,
        DOWN,
        BOTH
    }

    private final String label;
    private final Direction direction;

    Signal(String label, Direction direction) {
        this.label = label;
        this.direction = direction;
    }

    public String label() {
        return label;
    }

    public Direction direction() {
        return direction;
    }

    /** Whether {@code score} (deviations from the baseline) is beyond {@code k} on the bad side. */
    public boolean breaches(double score, double k) {
        switch (direction) {
            case UP:
                return score >= k;
            case DOWN:
                return score <= -k;
            default:
                return Math.abs(score) >= k;
        }
    }
}
