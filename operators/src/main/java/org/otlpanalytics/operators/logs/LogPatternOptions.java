package org.otlpanalytics.operators.logs;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the log pattern operators ({@link LogFingerprinter}, {@link LogPatternAggregator}),
 * immutable; every default lives in the {@link Builder}.
 *
 * <pre>{@code
 * LogPatternOptions o = LogPatternOptions.builder()
 *     .drain(DrainOptions.builder().maxClusters(2_000).build())
 *     .allowedLateness(Duration.ofMinutes(2))
 *     .bufferMaxRecords(100_000)
 *     .build();
 * }</pre>
 */
public final class LogPatternOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String ALLOWED_LATENESS_KEY = "log-patterns.allowed-lateness";
    public static final String BUFFER_MAX_RECORDS_KEY = "log-patterns.buffer.max-records";
    public static final String SAMPLE_MAX_CHARS_KEY = "log-patterns.sample.max-chars";

    /** Count windows are 5 minutes, aligned to the epoch (the {@code log_pattern_5m} contract). */
    public static final long WINDOW_MILLIS = 300_000L;
    /**
     * Records wait for the watermark in buckets of this much event time; a bucket is sorted and mined
     * when the watermark passes its end. One second keeps one timer per key and second.
     */
    public static final long ORDER_BUCKET_MILLIS = 1_000L;

    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(2);
    public static final int DEFAULT_BUFFER_MAX_RECORDS = 100_000;
    public static final int DEFAULT_SAMPLE_MAX_CHARS = 1_024;

    private final DrainOptions drain;
    private final LogMasker masker;
    private final long allowedLatenessMillis;
    private final int bufferMaxRecords;
    private final int sampleMaxChars;

    LogPatternOptions(DrainOptions drain, LogMasker masker, long allowedLatenessMillis, int bufferMaxRecords, int sampleMaxChars) {
        this.drain = drain;
        this.masker = masker;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.bufferMaxRecords = bufferMaxRecords;
        this.sampleMaxChars = sampleMaxChars;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static LogPatternOptions defaults() {
        return builder().build();
    }

    /** Parse-tree settings, including the cap of patterns per (tenant, service) ({@link DrainOptions#maxClusters()}). */
    public DrainOptions drain() {
        return drain;
    }

    /** Masking of variable parts before clustering. */
    public LogMasker masker() {
        return masker;
    }

    /** How long after the watermark passed its end a 5-minute window still accepts records ({@code log-patterns.allowed-lateness}). */
    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    /**
     * Records one (tenant, service) may hold while they wait for the watermark
     * ({@code log-patterns.buffer.max-records}); beyond it the oldest second is mined early and counted
     * in {@link LogPatternMetrics#RECORDS_FLUSHED_EARLY}. Size it to rate x (out-of-orderness + 1 s).
     */
    public int bufferMaxRecords() {
        return bufferMaxRecords;
    }

    /** A pattern's sample message is cut to this many characters ({@code log-patterns.sample.max-chars}). */
    public int sampleMaxChars() {
        return sampleMaxChars;
    }

    /** Start of the 5-minute window holding {@code timeMillis}. */
    public static long windowStart(long timeMillis) {
        return Math.floorDiv(timeMillis, WINDOW_MILLIS) * WINDOW_MILLIS;
    }

    /** Start of the ordering bucket holding {@code timeMillis}. */
    static long orderBucket(long timeMillis) {
        return Math.floorDiv(timeMillis, ORDER_BUCKET_MILLIS) * ORDER_BUCKET_MILLIS;
    }

    @Override
    public String toString() {
        return drain + ", " + ALLOWED_LATENESS_KEY + "=" + allowedLatenessMillis + "ms, " + BUFFER_MAX_RECORDS_KEY + "="
                + bufferMaxRecords + ", " + SAMPLE_MAX_CHARS_KEY + "=" + sampleMaxChars;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private DrainOptions drain = DrainOptions.defaults();
        private LogMasker masker = LogMasker.defaults();
        private Duration allowedLateness = DEFAULT_ALLOWED_LATENESS;
        private int bufferMaxRecords = DEFAULT_BUFFER_MAX_RECORDS;
        private int sampleMaxChars = DEFAULT_SAMPLE_MAX_CHARS;

        Builder() {}

        public Builder drain(DrainOptions drain) {
            this.drain = drain;
            return this;
        }

        public Builder masker(LogMasker masker) {
            this.masker = masker;
            return this;
        }

        public Builder allowedLateness(Duration allowedLateness) {
            this.allowedLateness = allowedLateness;
            return this;
        }

        public Builder bufferMaxRecords(int bufferMaxRecords) {
            this.bufferMaxRecords = bufferMaxRecords;
            return this;
        }

        public Builder sampleMaxChars(int sampleMaxChars) {
            this.sampleMaxChars = sampleMaxChars;
            return this;
        }

        /** Checks every setting at once and names each bad one by its key. */
        public LogPatternOptions build() {
            List<String> problems = new ArrayList<>(4);
            if (drain == null) {
                problems.add("log-patterns.drain must be set");
            }
            if (masker == null) {
                problems.add(LogMasker.RULES_KEY + " must be set");
            }
            if (allowedLateness == null || allowedLateness.isNegative()) {
                problems.add(ALLOWED_LATENESS_KEY + " must be >= 0, got " + allowedLateness);
            }
            if (bufferMaxRecords < 1) {
                problems.add(BUFFER_MAX_RECORDS_KEY + " must be > 0, got " + bufferMaxRecords);
            }
            if (sampleMaxChars < 16) {
                problems.add(SAMPLE_MAX_CHARS_KEY + " must be >= 16, got " + sampleMaxChars);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new LogPatternOptions(drain, masker, allowedLateness.toMillis(), bufferMaxRecords, sampleMaxChars);
        }
    }
}
