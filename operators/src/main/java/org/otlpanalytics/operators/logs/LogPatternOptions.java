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
 *     .secondMaxRecords(5_000)
 *     .streamIdleTimeout(Duration.ofHours(1))
 *     .build();
 * }</pre>
 */
public final class LogPatternOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String ALLOWED_LATENESS_KEY = "log-patterns.allowed-lateness";
    public static final String SECOND_MAX_RECORDS_KEY = "log-patterns.second.max-records";
    public static final String STREAM_IDLE_TIMEOUT_KEY = "log-patterns.stream.idle-timeout";
    public static final String CACHE_MAX_PATTERNS_KEY = "log-patterns.cache.max-patterns";
    public static final String FINGERPRINTED_LOGS_KEY = "log-patterns.fingerprinted-logs";
    public static final String SAMPLE_MAX_CHARS_KEY = "log-patterns.sample.max-chars";

    /** Count windows are 5 minutes, aligned to the epoch (the {@code log_pattern_5m} contract). */
    public static final long WINDOW_MILLIS = 300_000L;
    /**
     * Records wait for the watermark in buckets of this much event time; a bucket is sorted and mined
     * when the watermark passes its end. One second keeps one timer per key and second.
     */
    public static final long ORDER_BUCKET_MILLIS = 1_000L;

    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(2);
    public static final int DEFAULT_SECOND_MAX_RECORDS = 5_000;
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final int DEFAULT_CACHE_MAX_PATTERNS = 100_000;
    public static final int DEFAULT_SAMPLE_MAX_CHARS = 1_024;

    private final DrainOptions drain;
    private final LogMasker masker;
    private final long allowedLatenessMillis;
    private final int secondMaxRecords;
    private final long streamIdleTimeoutMillis;
    private final int cacheMaxPatterns;
    private final boolean fingerprintedLogs;
    private final int sampleMaxChars;

    LogPatternOptions(Builder b) {
        this.drain = b.drain;
        this.masker = b.masker;
        this.allowedLatenessMillis = b.allowedLateness.toMillis();
        this.secondMaxRecords = b.secondMaxRecords;
        this.streamIdleTimeoutMillis = b.streamIdleTimeout.toMillis();
        this.cacheMaxPatterns = b.cacheMaxPatterns;
        this.fingerprintedLogs = b.fingerprintedLogs;
        this.sampleMaxChars = b.sampleMaxChars;
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder().drain(drain).masker(masker).allowedLateness(Duration.ofMillis(allowedLatenessMillis))
                .secondMaxRecords(secondMaxRecords).streamIdleTimeout(Duration.ofMillis(streamIdleTimeoutMillis))
                .cacheMaxPatterns(cacheMaxPatterns).fingerprintedLogs(fingerprintedLogs).sampleMaxChars(sampleMaxChars);
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
     * Records of one (tenant, service), Kafka partition and second of event time that wait for the
     * watermark and are mined ({@code log-patterns.second.max-records}). A partition's records reach
     * the operator in offset order, so the ones kept are always its first ones of that second,
     * whatever the timing; the rest are counted under the stream's over-cap fingerprint
     * ({@link UnminedPatterns}) and in {@link LogPatternMetrics#RECORDS_FOLDED}. The buffer of a
     * stream holds at most this x partitions x seconds the watermark lags behind.
     */
    public int secondMaxRecords() {
        return secondMaxRecords;
    }

    /**
     * A (tenant, service) with no record for this long in event time is forgotten: its tree, its
     * dictionary and its stream state ({@code log-patterns.stream.idle-timeout}), counted in
     * {@link LogPatternMetrics#STREAMS_EXPIRED}. One that comes back starts a new tree.
     */
    public long streamIdleTimeoutMillis() {
        return streamIdleTimeoutMillis;
    }

    /**
     * Patterns (over all streams) whose trees a fingerprinter subtask keeps deserialized on the heap
     * between checkpoints ({@code log-patterns.cache.max-patterns}); beyond it the least recently
     * used streams are written back to keyed state and dropped from the heap
     * ({@link LogPatternMetrics#STREAMS_UNCACHED}). One stream is always kept, whatever its size.
     */
    public int cacheMaxPatterns() {
        return cacheMaxPatterns;
    }

    /**
     * Whether every mined record is also emitted with its fingerprint on
     * {@link LogFingerprinter#FINGERPRINTED_LOGS} ({@code log-patterns.fingerprinted-logs}, default off):
     * only the raw-record stores need it, and buffered records then carry every field.
     */
    public boolean fingerprintedLogs() {
        return fingerprintedLogs;
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
        return drain + ", " + ALLOWED_LATENESS_KEY + "=" + allowedLatenessMillis + "ms, " + SECOND_MAX_RECORDS_KEY + "="
                + secondMaxRecords + ", " + STREAM_IDLE_TIMEOUT_KEY + "=" + streamIdleTimeoutMillis + "ms, "
                + CACHE_MAX_PATTERNS_KEY + "=" + cacheMaxPatterns + ", " + FINGERPRINTED_LOGS_KEY + "=" + fingerprintedLogs
                + ", " + SAMPLE_MAX_CHARS_KEY + "=" + sampleMaxChars;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private DrainOptions drain = DrainOptions.defaults();
        private LogMasker masker = LogMasker.defaults();
        private Duration allowedLateness = DEFAULT_ALLOWED_LATENESS;
        private int secondMaxRecords = DEFAULT_SECOND_MAX_RECORDS;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
        private int cacheMaxPatterns = DEFAULT_CACHE_MAX_PATTERNS;
        private boolean fingerprintedLogs;
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

        public Builder secondMaxRecords(int secondMaxRecords) {
            this.secondMaxRecords = secondMaxRecords;
            return this;
        }

        public Builder streamIdleTimeout(Duration streamIdleTimeout) {
            this.streamIdleTimeout = streamIdleTimeout;
            return this;
        }

        public Builder cacheMaxPatterns(int cacheMaxPatterns) {
            this.cacheMaxPatterns = cacheMaxPatterns;
            return this;
        }

        public Builder fingerprintedLogs(boolean fingerprintedLogs) {
            this.fingerprintedLogs = fingerprintedLogs;
            return this;
        }

        public Builder sampleMaxChars(int sampleMaxChars) {
            this.sampleMaxChars = sampleMaxChars;
            return this;
        }

        /** Checks every setting at once and names each bad one by its key. */
        public LogPatternOptions build() {
            List<String> problems = new ArrayList<>(6);
            if (drain == null) {
                problems.add("log-patterns.drain must be set");
            }
            if (masker == null) {
                problems.add(LogMasker.RULES_KEY + " must be set");
            }
            if (allowedLateness == null || allowedLateness.isNegative()) {
                problems.add(ALLOWED_LATENESS_KEY + " must be >= 0, got " + allowedLateness);
            }
            if (secondMaxRecords < 1) {
                problems.add(SECOND_MAX_RECORDS_KEY + " must be > 0, got " + secondMaxRecords);
            }
            if (streamIdleTimeout == null || streamIdleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                problems.add(STREAM_IDLE_TIMEOUT_KEY + " must be >= 1s, got " + streamIdleTimeout);
            }
            if (cacheMaxPatterns < 1) {
                problems.add(CACHE_MAX_PATTERNS_KEY + " must be > 0, got " + cacheMaxPatterns);
            }
            if (sampleMaxChars < 16) {
                problems.add(SAMPLE_MAX_CHARS_KEY + " must be >= 16, got " + sampleMaxChars);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new LogPatternOptions(this);
        }
    }
}
