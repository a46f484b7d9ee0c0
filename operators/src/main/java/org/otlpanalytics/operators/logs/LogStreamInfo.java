package org.otlpanalytics.operators.logs;

import java.util.Arrays;
import java.util.TreeMap;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * What {@link LogFingerprinter} keeps per (tenant, service) besides the buffered records and the
 * tree: the stream's identity (for the rows it emits), the seconds waiting for the watermark (with
 * how many records each Kafka partition has in them, for the per-second cap, and the counts of the
 * records over it), the late records waiting for their match time, and when the stream was last
 * active (for idle expiry).
 */
public final class LogStreamInfo {
    final String tenant;
    final String serviceName;
    final String serviceNamespace;
    final String serviceUrn;
    /** ordering bucket start -> what waits in it. */
    final TreeMap<Long, PendingSecond> pending;
    /** match time of late records -> how many wait for it. */
    final TreeMap<Long, Integer> late;
    /** End of the last second mined, or the last late match: event time of the stream's last activity. */
    long lastActivityMillis = Long.MIN_VALUE;
    /** The idle-expiry timer registered, or {@code Long.MIN_VALUE}. */
    long expiryTimerMillis = Long.MIN_VALUE;

    LogStreamInfo(String tenant, String serviceName, String serviceNamespace, String serviceUrn) {
        this(tenant, serviceName, serviceNamespace, serviceUrn, new TreeMap<>(), new TreeMap<>());
    }

    LogStreamInfo(String tenant, String serviceName, String serviceNamespace, String serviceUrn, TreeMap<Long, PendingSecond> pending,
            TreeMap<Long, Integer> late) {
        this.tenant = tenant;
        this.serviceName = serviceName;
        this.serviceNamespace = serviceNamespace;
        this.serviceUrn = serviceUrn;
        this.pending = pending;
        this.late = late;
    }

    /** The pending second starting at {@code bucket}, or null. */
    PendingSecond second(long bucket) {
        return pending.get(bucket);
    }

    /** Counts one late record for {@code matchTime}; returns whether that time is new (needs a timer). */
    boolean addLate(long matchTime) {
        Integer c = late.get(matchTime);
        late.put(matchTime, c == null ? 1 : c + 1);
        return c == null;
    }

    /** Records waiting in all pending seconds. */
    public long pendingRecords() {
        long n = 0;
        for (PendingSecond p : pending.values()) {
            n += p.records;
        }
        return n;
    }

    /** Late records waiting for their match time. */
    public long lateRecords() {
        long n = 0;
        for (int c : late.values()) {
            n += c;
        }
        return n;
    }

    public String serviceUrn() {
        return serviceUrn;
    }

    /**
     * One second of a stream waiting for the watermark: records buffered per Kafka partition (a
     * partition's records arrive in offset order, so its first {@code cap} of the second are the
     * ones kept whatever the timing) and the counts of the records over the cap, which are folded
     * into the stream's over-cap pattern when the second is mined.
     */
    static final class PendingSecond {
        int records;
        /** Kafka partitions with records in this second, and how many each has buffered. */
        int[] partitions = new int[0];
        int[] counts = new int[0];
        long overCapTotal;
        long overCapErrors;
        KafkaRange overCapRange;
        PatternStats overCapStats;

        /** Takes a record of {@code partition} if that partition has fewer than {@code cap} here. */
        boolean admit(int partition, int cap) {
            int i = indexOf(partition);
            if (i < 0) {
                i = partitions.length;
                partitions = Arrays.copyOf(partitions, i + 1);
                counts = Arrays.copyOf(counts, i + 1);
                partitions[i] = partition;
            }
            if (counts[i] >= cap) {
                return false;
            }
            counts[i]++;
            records++;
            return true;
        }

        /** Counts a record over the cap. */
        void overCap(BufferedLog r, int sampleMaxChars) {
            if (overCapStats == null) {
                overCapStats = new PatternStats();
                overCapRange = new KafkaRange();
            }
            overCapTotal++;
            if (r.error()) {
                overCapErrors++;
            }
            overCapRange.add(r.partition(), r.offset(), r.timeMillis());
            overCapStats.add(r, UnminedPatterns.OVER_CAP_PATTERN, sampleMaxChars);
        }

        private int indexOf(int partition) {
            for (int i = 0; i < partitions.length; i++) {
                if (partitions[i] == partition) {
                    return i;
                }
            }
            return -1;
        }
    }
}
