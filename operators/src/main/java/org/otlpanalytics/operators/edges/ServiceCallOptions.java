package org.otlpanalytics.operators.edges;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the 5-minute service-call aggregation, immutable; built with {@link #builder()}.
 *
 * <pre>{@code
 * ServiceCallOptions o = ServiceCallOptions.builder().allowedLateness(Duration.ofMinutes(2)).build();
 * }</pre>
 */
public final class ServiceCallOptions implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Width of a {@code service_call_5m} bucket; buckets are aligned to the epoch. */
    public static final long WINDOW_MILLIS = 300_000L;
    public static final String ALLOWED_LATENESS_KEY = "edges.allowed-lateness";
    public static final String KLL_K_KEY = "edges.kll-k";

    private final long allowedLatenessMillis;
    private final int kllK;

    ServiceCallOptions(long allowedLatenessMillis, int kllK) {
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.kllK = kllK;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ServiceCallOptions defaults() {
        return builder().build();
    }

    /** How long after a bucket's end late edges still update its row ({@code edges.allowed-lateness}). */
    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    /** k of the KLL sketches written with each row ({@code edges.kll-k}). */
    public int kllK() {
        return kllK;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private Duration allowedLateness = Duration.ofMinutes(2);
        private int kllK = 200;

        Builder() {}

        public Builder allowedLateness(Duration d) {
            this.allowedLateness = d;
            return this;
        }

        public Builder kllK(int k) {
            this.kllK = k;
            return this;
        }

        /** Checks every setting at once and names each bad one by its key. */
        public ServiceCallOptions build() {
            List<String> problems = new ArrayList<>(2);
            if (allowedLateness == null || allowedLateness.isNegative()) {
                problems.add(ALLOWED_LATENESS_KEY + " must be >= 0, got " + allowedLateness);
            }
            if (kllK < 8 || kllK > 65535) {
                problems.add(KLL_K_KEY + " must be in [8, 65535], got " + kllK);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new ServiceCallOptions(allowedLateness.toMillis(), kllK);
        }
    }
}
