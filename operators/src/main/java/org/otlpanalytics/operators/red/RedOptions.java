package org.otlpanalytics.operators.red;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the RED aggregation, immutable; built with {@link #builder()}.
 *
 * <pre>{@code
 * RedOptions o = RedOptions.builder().allowedLateness(Duration.ofMinutes(2)).cardinalityLimit(500).build();
 * }</pre>
 */
public final class RedOptions implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final long WINDOW_MILLIS = 60_000L;

    private final long allowedLatenessMillis;
    private final int cardinalityLimit;
    private final int kllK;
    private final int hllLgK;

    RedOptions(long allowedLatenessMillis, int cardinalityLimit, int kllK, int hllLgK) {
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.cardinalityLimit = cardinalityLimit;
        this.kllK = kllK;
        this.hllLgK = hllLgK;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RedOptions defaults() {
        return builder().build();
    }

    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    /** Max distinct operations per service and minute ({@code red.cardinality-limit}); 0 = none. */
    public int cardinalityLimit() {
        return cardinalityLimit;
    }

    public int kllK() {
        return kllK;
    }

    public int hllLgK() {
        return hllLgK;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private Duration allowedLateness = Duration.ofMinutes(2);
        private int cardinalityLimit = 1000;
        private int kllK = 200;
        private int hllLgK = 11;

        public Builder allowedLateness(Duration d) {
            this.allowedLateness = d;
            return this;
        }

        public Builder cardinalityLimit(int n) {
            this.cardinalityLimit = n;
            return this;
        }

        public Builder kllK(int k) {
            this.kllK = k;
            return this;
        }

        public Builder hllLgK(int lgK) {
            this.hllLgK = lgK;
            return this;
        }

        public RedOptions build() {
            if (allowedLateness == null || allowedLateness.isNegative()) {
                throw new IllegalStateException("red.allowed-lateness must be >= 0, got " + allowedLateness);
            }
            if (cardinalityLimit < 0) {
                throw new IllegalStateException("red.cardinality-limit must be >= 0, got " + cardinalityLimit);
            }
            if (kllK < 8 || kllK > 65535) {
                throw new IllegalStateException("red.kll-k must be in [8, 65535], got " + kllK);
            }
            if (hllLgK < 4 || hllLgK > 21) {
                throw new IllegalStateException("red.hll-lg-k must be in [4, 21], got " + hllLgK);
            }
            return new RedOptions(allowedLateness.toMillis(), cardinalityLimit, kllK, hllLgK);
        }
    }
}
