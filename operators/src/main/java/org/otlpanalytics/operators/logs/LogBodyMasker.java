package org.otlpanalytics.operators.logs;

import org.apache.flink.api.common.functions.MapFunction;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Masks each record's body before the logs shuffle ({@link LogRecordFlat#bodyTokens}), with the very
 * masker of the {@link LogFingerprinter} behind it. Masking is the fingerprinter's largest per-record
 * cost and depends on nothing but the body, while the fingerprinter runs on its stream's subtask: a
 * few services on one subtask put most of it on one thread. Chained to the source, it runs where the
 * records are spread by Kafka partition. The tokens cross the shuffle as references into the body
 * ({@link MaskedTokensCodec}), and the fingerprinter feeds them to the Drain tree as it would its own.
 * Stateless; a record already masked is left as it is.
 */
public class LogBodyMasker implements MapFunction<LogRecordFlat, LogRecordFlat> {
    private static final long serialVersionUID = 1L;

    private final LogMasker masker;

    public LogBodyMasker(LogMasker masker) {
        if (masker == null) {
            throw new IllegalArgumentException("masker must not be null");
        }
        this.masker = masker;
    }

    @Override
    public LogRecordFlat map(LogRecordFlat r) {
        if (r.bodyTokens == null) {
            r.bodyTokens = masker.tokenize(r.body);
        }
        return r;
    }
}
