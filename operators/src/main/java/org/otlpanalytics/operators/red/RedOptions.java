package org.otlpanalytics.operators.red;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

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
    public static final int DEFAULT_TOPK_ITEMS = 20;
    public static final int DEFAULT_TOPK_MAX_VALUES = 200;

    private final long allowedLatenessMillis;
    private final int cardinalityLimit;
    private final int kllK;
    private final int hllLgK;
    private final SpanDimensions dimensions;
    private final int topkItems;
    private final int topkMaxValues;

    RedOptions(long allowedLatenessMillis, int cardinalityLimit, int kllK, int hllLgK, SpanDimensions dimensions,
            int topkItems, int topkMaxValues) {
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.cardinalityLimit = cardinalityLimit;
        this.kllK = kllK;
        this.hllLgK = hllLgK;
        this.dimensions = dimensions;
        this.topkItems = topkItems;
        this.topkMaxValues = topkMaxValues;
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

    /** The span dimensions counted per service and minute ({@code span_attr_1m}). */
    public SpanDimensions dimensions() {
        return dimensions;
    }

    /** Values listed per service, minute and dimension ({@code red.topk-items}). */
    public int topkItems() {
        return topkItems;
    }

    /** Values counted exactly per series, minute and dimension; the rest fold ({@code red.topk-max-values}). */
    public int topkMaxValues() {
        return topkMaxValues;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private Duration allowedLateness = Duration.ofMinutes(2);
        private int cardinalityLimit = 1000;
        private int kllK = 200;
        private int hllLgK = 11;
        private List<String> dimensions = SpanDimensions.DEFAULTS;
        private Duration slowCallThreshold = Duration.ofMillis(500);
        private int topkItems = DEFAULT_TOPK_ITEMS;
        private int topkMaxValues = DEFAULT_TOPK_MAX_VALUES;

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

        /** Built-in dimensions ({@link SpanDimensions}) and span attribute keys whose top values and distinct counts are kept. */
        public Builder dimensions(List<String> names) {
            this.dimensions = names;
            return this;
        }

        /** CLIENT/PRODUCER spans at least this long count for {@code slow.peer}. */
        public Builder slowCallThreshold(Duration d) {
            this.slowCallThreshold = d;
            return this;
        }

        public Builder topkItems(int n) {
            this.topkItems = n;
            return this;
        }

        public Builder topkMaxValues(int n) {
            this.topkMaxValues = n;
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
            if (dimensions == null) {
                throw new IllegalStateException("red.dimensions must not be null");
            }
            if (slowCallThreshold == null || slowCallThreshold.isNegative()) {
                throw new IllegalStateException("red.slow-call-threshold must be >= 0, got " + slowCallThreshold);
            }
            if (topkItems < 1 || topkItems > 1000) {
                throw new IllegalStateException("red.topk-items must be in [1, 1000], got " + topkItems);
            }
            if (topkMaxValues < topkItems || topkMaxValues > 100_000) {
                throw new IllegalStateException("red.topk-max-values must be in [red.topk-items, 100000], got " + topkMaxValues);
            }
            SpanDimensions dims = SpanDimensions.of(dimensions, slowCallThreshold.toMillis());
            if (dims.attributeKeys().size() > org.otlpanalytics.schemas.traces.SpanDecoder.MAX_ATTRIBUTE_KEYS) {
                throw new IllegalStateException("red.attributes: at most "
                        + org.otlpanalytics.schemas.traces.SpanDecoder.MAX_ATTRIBUTE_KEYS + " keys, got " + dims.attributeKeys());
            }
            return new RedOptions(allowedLateness.toMillis(), cardinalityLimit, kllK, hllLgK, dims, topkItems, topkMaxValues);
        }
    }
}
