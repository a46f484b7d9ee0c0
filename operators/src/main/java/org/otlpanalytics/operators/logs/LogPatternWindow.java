package org.otlpanalytics.operators.logs;

import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.time.KeyedWindows;

/** What {@link LogPatternAggregator} keeps for one fingerprint in one 5-minute window. */
public final class LogPatternWindow implements KeyedWindows.Window {
    long windowStartMillis;
    String tenant;
    String serviceName;
    String serviceNamespace;
    String serviceUrn;
    long fingerprintId;
    long countTotal;
    long countError;
    boolean fired;
    KafkaRange range = new KafkaRange();

    LogPatternWindow() {}

    static LogPatternWindow of(LogPatternPartial p) {
        LogPatternWindow w = new LogPatternWindow();
        w.windowStartMillis = p.windowStartMillis;
        w.tenant = p.tenant;
        w.serviceName = p.serviceName;
        w.serviceNamespace = p.serviceNamespace;
        w.serviceUrn = p.serviceUrn;
        w.fingerprintId = p.fingerprintId;
        return w;
    }

    void add(LogPatternPartial p) {
        countTotal += p.countTotal;
        countError += p.countError;
        if (p.range != null) {
            range.merge(p.range);
        }
    }

    @Override
    public boolean fired() {
        return fired;
    }

    @Override
    public void markFired() {
        fired = true;
    }

    LogPatternWindowRow toRow() {
        LogPatternWindowRow r = new LogPatternWindowRow();
        r.windowStartMillis = windowStartMillis;
        r.tenant = tenant;
        r.serviceName = serviceName;
        r.serviceNamespace = serviceNamespace;
        r.serviceUrn = serviceUrn;
        r.fingerprintId = fingerprintId;
        r.countTotal = countTotal;
        r.countError = countError;
        r.range = range.copy();
        return r;
    }
}
