package org.otlpanalytics.operators.logs;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link LogFingerprinter} keeps per (tenant, service) besides the buffered records and the
 * tree: the stream's identity (for the rows it emits) and how many records wait in which ordering
 * bucket, so the buffer cap can be enforced and the oldest bucket found without scanning timers.
 */
public final class LogStreamInfo {
    final String tenant;
    final String serviceName;
    final String serviceNamespace;
    final String serviceUrn;
    /** ordering bucket start -> records waiting in it. */
    final TreeMap<Long, Integer> pending;
    long pendingRecords;

    LogStreamInfo(String tenant, String serviceName, String serviceNamespace, String serviceUrn) {
        this(tenant, serviceName, serviceNamespace, serviceUrn, new TreeMap<>());
    }

    LogStreamInfo(String tenant, String serviceName, String serviceNamespace, String serviceUrn, TreeMap<Long, Integer> pending) {
        this.tenant = tenant;
        this.serviceName = serviceName;
        this.serviceNamespace = serviceNamespace;
        this.serviceUrn = serviceUrn;
        this.pending = pending;
        long n = 0;
        for (int c : pending.values()) {
            n += c;
        }
        this.pendingRecords = n;
    }

    /** Counts one record into {@code bucket}; returns whether the bucket is new (needs a timer). */
    boolean addPending(long bucket) {
        pendingRecords++;
        Integer c = pending.get(bucket);
        pending.put(bucket, c == null ? 1 : c + 1);
        return c == null;
    }

    /** Forgets a bucket that has been mined; returns whether it was pending. */
    boolean removePending(long bucket) {
        Integer c = pending.remove(bucket);
        if (c == null) {
            return false;
        }
        pendingRecords -= c;
        return true;
    }

    /** The oldest pending bucket, or null. */
    Long oldestPending() {
        Map.Entry<Long, Integer> e = pending.firstEntry();
        return e == null ? null : e.getKey();
    }

    public long pendingRecords() {
        return pendingRecords;
    }

    public String serviceUrn() {
        return serviceUrn;
    }
}
