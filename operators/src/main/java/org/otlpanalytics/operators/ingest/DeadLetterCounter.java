package org.otlpanalytics.operators.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the dead letters the job writes, per minute, input topic, stage and kind, and emits the
 * minute's new total with every one ({@code dead_letter_1m}; the sink keeps one write per row and
 * flush). Totals live in checkpointed keyed state, so after a restore the replayed dead letters
 * bring every total back to what a run without the failure counts; the store keeps the greatest
 * total written, so a partial recount (a replay of part of a range) never lowers a minute.
 *
 * <p>State is bounded in time from the data: a key keeps the minutes up to {@code retentionMillis}
 * behind the newest minute it has seen; a dead letter dated before that is not counted in a row
 * (its minute's row is already final) and is counted in {@value #TALLIES_TOO_OLD} instead.
 */
public class DeadLetterCounter extends KeyedProcessFunction<String, DeadLetterTally, DeadLetterCount> {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "deadLetterCounter";
    public static final String TALLIES_COUNTED = "talliesCounted";
    public static final String TALLIES_TOO_OLD = "talliesTooOld";
    // state names: never change, savepoints depend on them
    static final String COUNTS = "dead-letter-counts";
    static final String NEWEST = "dead-letter-newest-minute";

    private final long retentionMillis;
    private final MapStateDescriptor<Long, Long> countsDescriptor =
            new MapStateDescriptor<>(COUNTS, LongSerializer.INSTANCE, LongSerializer.INSTANCE);
    private final ValueStateDescriptor<Long> newestDescriptor = new ValueStateDescriptor<>(NEWEST, LongSerializer.INSTANCE);
    private transient MapState<Long, Long> counts;
    private transient ValueState<Long> newest;
    private transient Counter counted;
    private transient Counter tooOld;

    public DeadLetterCounter(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        counts = getRuntimeContext().getMapState(countsDescriptor);
        newest = getRuntimeContext().getState(newestDescriptor);
        var g = getRuntimeContext().getMetricGroup().addGroup(GROUP);
        counted = g.counter(TALLIES_COUNTED);
        tooOld = g.counter(TALLIES_TOO_OLD);
    }

    @Override
    public void processElement(DeadLetterTally t, Context ctx, Collector<DeadLetterCount> out) throws Exception {
        Long n = newest.value();
        if (n != null && t.bucketStartMillis < n - retentionMillis) {
            tooOld.inc();
            return;
        }
        if (n == null || t.bucketStartMillis > n) {
            newest.update(t.bucketStartMillis);
            prune(t.bucketStartMillis - retentionMillis);
        }
        Long c = counts.get(t.bucketStartMillis);
        long total = (c == null ? 0 : c) + 1;
        counts.put(t.bucketStartMillis, total);
        counted.inc();
        DeadLetterCount r = new DeadLetterCount();
        r.bucketStartMillis = t.bucketStartMillis;
        r.sourceTopic = t.sourceTopic;
        r.stage = t.stage;
        r.kind = t.kind;
        r.deadLetters = total;
        out.collect(r);
    }

    private void prune(long before) throws Exception {
        List<Long> old = new ArrayList<>();
        for (Map.Entry<Long, Long> e : counts.entries()) {
            if (e.getKey() < before) {
                old.add(e.getKey());
            }
        }
        for (Long k : old) {
            counts.remove(k);
        }
    }
}
