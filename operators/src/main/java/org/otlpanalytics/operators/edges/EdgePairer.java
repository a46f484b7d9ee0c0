package org.otlpanalytics.operators.edges;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The pairing of {@link EdgePairingOperator}, one half per record:
 * {@code halves.keyBy(EdgePairer::traceKey, Types.LONG).transform("edge-pairer", type, new EdgePairer(options))}.
 * The job ships halves in batches ({@link EdgeBatchPairer}); this form is the one the benchmark's
 * pairing-only variant and the harness tests drive.
 */
public class EdgePairer extends EdgePairingOperator<PendingSpan> {
    private static final long serialVersionUID = 1L;

    public EdgePairer(EdgeStoreOptions options) {
        super(options);
    }

    @Override
    public void processElement(StreamRecord<PendingSpan> element) {
        offer(element.getValue());
    }
}
