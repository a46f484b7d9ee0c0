package org.otlpanalytics.operators.logs;

import java.util.List;
import org.otlpanalytics.operators.common.KafkaRange;

/**
 * The state {@link LogFingerprinter} and {@link LogPatternAggregator} hold, built outside a running
 * operator for the state-cost benchmark ({@code bench-state}): the same classes, filled by the same
 * steps as a mined second, so their serializers and heap layout are the real ones.
 */
public final class LogStateSample {
    private LogStateSample() {}

    /** A stream's mining state (Drain tree and pattern dictionary) after mining {@code records} in order. */
    public static LogMinerState mine(LogPatternOptions options, String tenant, String serviceUrn, List<BufferedLog> records) {
        LogMinerState st = new LogMinerState(new DrainTree(options.drain(), tenant, serviceUrn));
        LogTemplateMiner m = new LogTemplateMiner(options.masker(), st.tree);
        for (BufferedLog r : records) {
            TemplateMatch tm = m.mine(r.body());
            long id = tm.fingerprintId();
            PatternStats ps = tm.change() == ClusterChange.CREATED ? null : st.patterns.get(id);
            if (ps == null) {
                ps = new PatternStats();
                st.patterns.put(id, ps);
            }
            for (long absorbed : tm.absorbedIds()) {
                PatternStats gone = st.patterns.remove(absorbed);
                ps.absorb(absorbed, gone == null ? new PatternStats() : gone);
            }
            ps.add(r, tm.template(), options.sampleMaxChars());
        }
        return st;
    }

    /** One fingerprint's open 5-minute window ({@code log-pattern-windows}) with these counts and Kafka range. */
    public static LogPatternWindow window(long windowStartMillis, String tenant, String serviceName, String serviceUrn,
            long fingerprintId, long countTotal, long countError, KafkaRange range) {
        LogPatternWindow w = new LogPatternWindow();
        w.windowStartMillis = windowStartMillis;
        w.tenant = tenant;
        w.serviceName = serviceName;
        w.serviceUrn = serviceUrn;
        w.fingerprintId = fingerprintId;
        w.countTotal = countTotal;
        w.countError = countError;
        w.range = range;
        return w;
    }
}
