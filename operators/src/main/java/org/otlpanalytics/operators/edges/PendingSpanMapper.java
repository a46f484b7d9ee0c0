package org.otlpanalytics.operators.edges;

import org.apache.flink.api.common.functions.MapFunction;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Reduces a pairable span to the {@link PendingSpan} the pairing keeps, before the shuffle by
 * trace: the shuffle then carries a compact half ({@link PendingSpanSerializer}) instead of the
 * whole span record through Flink's reflective POJO serializer. Run after {@link PairableSpanFilter}.
 */
public class PendingSpanMapper implements MapFunction<SpanRecord, PendingSpan> {
    private static final long serialVersionUID = 1L;

    private final long ttlMillis;
    /** The subtask's halves share their strings ({@link CanonicalStrings}: cheaper to ship, smaller to hold). */
    private transient CanonicalStrings strings;

    public PendingSpanMapper(EdgeStoreOptions options) {
        this.ttlMillis = options.ttlMillis();
    }

    @Override
    public PendingSpan map(SpanRecord s) {
        if (strings == null) {
            strings = new CanonicalStrings();
        }
        return PendingSpan.of(s, PendingSpan.eventTimeMillis(s), ttlMillis, strings);
    }
}
