package org.otlpanalytics.operators.limits;

import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Sends each record the tenant and service limit ({@link TenantRecordLimiter}, keyed by
 * {@link LogFingerprinter#serviceKey}) lets through to the fingerprinter that mines its stream, with
 * no second shuffle for the common case. Chained behind the limiter: a record whose tenant and
 * service were kept has the key it was held under, so its stream's Drain tree is on this very
 * subtask and the record stays in the chain (main output, for the fingerprinter chained behind).
 * Every record of an overflow stream (its tenant {@link Overflow#TENANT} or its service
 * {@link Overflow#SERVICE_URN}: folded by a limit, or so named by its sender) goes to
 * {@link #REKEYED}, to be shuffled to the one fingerprinter that mines the overflow streams, so each
 * overflow tree sees all of its records, from every limiter subtask, as one tree did before. So does
 * a record held under another key, which only a savepoint of the limiter's former key encoding
 * ({@link org.otlpanalytics.operators.common.CompositeKey}) releases: its stream's subtask is
 * elsewhere, and a keyed operator must never see a key outside its key groups. The routing is
 * {@link LimitedRouter}'s.
 */
public class LimitedLogRouter extends LimitedRouter<LogRecordFlat> {
    private static final long serialVersionUID = 1L;
    /** Records for the overflow fingerprinter: overflow streams, and records held on another stream's subtask. */
    public static final OutputTag<LogRecordFlat> REKEYED = new OutputTag<>("log-records-rekeyed", LogRecordFlatSerializer.TYPE);

    @Override
    public OutputTag<LogRecordFlat> rekeyed() {
        return REKEYED;
    }

    @Override
    protected String tenant(LogRecordFlat r) {
        return r.tenant;
    }

    @Override
    protected String resource(LogRecordFlat r) {
        return r.serviceUrn;
    }

    @Override
    protected String key(LogRecordFlat r) {
        return LogFingerprinter.serviceKey(r);
    }
}
