package org.otlpanalytics.operators.logs;

import java.util.Objects;
import org.apache.flink.api.java.functions.KeySelector;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * {@link LogFingerprinter#serviceKey(LogRecordFlat)} as a key selector that remembers the last record's
 * tenant and service and the key it gave: records of one stream come in runs (an export request is one
 * resource's; a limiter releases a key's minute in one go), so a run's records get the very same key
 * string, built and hashed once, instead of a new join (and a new hash for every key-group assignment
 * and heap-state lookup) per record. Same keys as {@code LogFingerprinter::serviceKey}.
 *
 * <p>Each task deserializes its own copy and calls it from its own thread only, as Flink does with every
 * key selector; not thread-safe otherwise.
 */
public final class ServiceKeySelector implements KeySelector<LogRecordFlat, String> {
    private static final long serialVersionUID = 1L;

    private transient String lastTenant;
    private transient String lastServiceUrn;
    private transient String lastKey;

    @Override
    public String getKey(LogRecordFlat r) {
        String tenant = r.tenant;
        String serviceUrn = r.serviceUrn;
        if (lastKey != null && Objects.equals(tenant, lastTenant) && Objects.equals(serviceUrn, lastServiceUrn)) {
            return lastKey;
        }
        String key = LogFingerprinter.serviceKey(tenant, serviceUrn);
        lastTenant = tenant;
        lastServiceUrn = serviceUrn;
        lastKey = key;
        return key;
    }
}
