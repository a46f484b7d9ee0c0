package org.otlpanalytics.operators.edges;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The job's pairing ({@link EdgePairingOperator}) of the batches {@link EdgeLocalPairer} ships,
 * each the halves of one key group, keyed by {@link PendingSpanBatch#key}: its halves are offered
 * one by one, in their order, as single halves would be, so it decides, counts and mirrors
 * exactly as {@link EdgePairer} does, under the same state.
 *
 * <p>Every half's key group is checked to be this subtask's: a batch made with another number of
 * key groups than this operator's (the two operators' max parallelism differing) would put a
 * trace's halves in subtasks that do not own it, and its halves in keyed state where no restore
 * finds them. That fails the job, with the way out in its message, instead of losing edges.
 */
public class EdgeBatchPairer extends EdgePairingOperator<PendingSpanBatch> {
    private static final long serialVersionUID = 1L;

    public EdgeBatchPairer(EdgeStoreOptions options) {
        super(options);
    }

    @Override
    public void processElement(StreamRecord<PendingSpanBatch> element) {
        PendingSpanBatch batch = element.getValue();
        for (int i = 0, n = batch.size(); i < n; i++) {
            PendingSpan half = batch.get(i);
            if (!ownsKey(traceKey(half))) {
                throw new IllegalStateException("a half of trace key " + traceKey(half) + " reached subtask "
                        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + ", which does not own its key group of "
                        + maxParallelism() + ": edge-local-pairer batched with another max parallelism than edge-pairer's;"
                        + " set pipeline.max-parallelism for the whole job");
            }
            offer(half);
        }
    }
}
