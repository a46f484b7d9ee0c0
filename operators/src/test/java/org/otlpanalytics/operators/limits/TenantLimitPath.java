package org.otlpanalytics.operators.limits;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.testing.StateBackends;

/**
 * The limits decided on marks, wired in test harnesses as the job wires them: {@link TenantMarker}
 * → {@link TenantAdmission} (one subtask) → decisions to every {@link TenantRecordLimiter} subtask,
 * records routed to the limiter subtask of their key. What differs per record type (log records,
 * metric batches) is its {@link Wiring}.
 */
class TenantLimitPath<P> implements AutoCloseable {
    static final int MAX_PARALLELISM = 128;

    /** A record type's operators and accessors. */
    interface Wiring<P> extends java.io.Serializable {
        TenantMarker<P> marker(int services);

        TenantAdmission admission(int tenants, int services);

        TenantRecordLimiter<P> limiter(int tenants, int services);

        String key(P p);

        P copy(P p);

        long time(P p);

        String describe(P p);
    }

    /** Puts a record into a limiter subtask's state some other way than processing it. */
    interface Hold<P> {
        void hold(TenantRecordLimiter<P> limiter, P p) throws Exception;
    }

    final Wiring<P> wiring;
    final StateBackends backend;
    final int tenants;
    final int services;
    final OneInputStreamOperatorTestHarness<P, P> marker;
    final KeyedOneInputStreamOperatorTestHarness<String, TenantMark, TenantDecision> admission;
    final List<KeyedTwoInputStreamOperatorTestHarness<String, P, TenantDecision, P>> limiters = new ArrayList<>();
    final List<String> emitted = new ArrayList<>();
    /** The watermarks each limiter subtask passed on, in order ({@link #collect}). */
    final List<List<Long>> watermarks = new ArrayList<>();

    TenantLimitPath(Wiring<P> wiring, StateBackends backend, int tenants, int services, int parallelism,
            OperatorSubtaskState admissionState, OperatorSubtaskState limiterState, int limiterStateParallelism) throws Exception {
        this.wiring = wiring;
        this.backend = backend;
        this.tenants = tenants;
        this.services = services;
        marker = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(wiring.marker(services)));
        marker.open();
        admission = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(new HorizonKeyedProcessOperator<>(
                wiring.admission(tenants, services)), m -> LimitSubjects.ALL_TENANTS, Types.STRING));
        if (admissionState != null) {
            admission.initializeState(admissionState);
        }
        admission.open();
        for (int i = 0; i < parallelism; i++) {
            var h = backend.apply(new KeyedTwoInputStreamOperatorTestHarness<String, P, TenantDecision, P>(
                    wiring.limiter(tenants, services), wiring::key, null, Types.STRING, MAX_PARALLELISM, parallelism, i));
            if (limiterState != null) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(limiterState, MAX_PARALLELISM,
                        limiterStateParallelism, parallelism, i));
            }
            h.open();
            limiters.add(h);
        }
    }

    /** A record through the marker; its marks to the admission before ({@code marksFirst}) or after the record reaches its limiter. */
    void add(P p, boolean marksFirst) throws Exception {
        add(p, marksFirst, null);
    }

    /**
     * As {@link #add(Object, boolean)}; a non-null {@code holdInstead} is given the limiter subtask's
     * operator (its key set to the record's) and the record, instead of the record being processed.
     */
    @SuppressWarnings("unchecked")
    void add(P p, boolean marksFirst, Hold<P> holdInstead) throws Exception {
        marker.processElement(new StreamRecord<>(wiring.copy(p), wiring.time(p)));
        marker.getOutput().clear();
        List<TenantMark> marks = new ArrayList<>();
        for (StreamRecord<TenantMark> m : marker.getSideOutput(TenantMarker.MARKS)) {
            marks.add(m.getValue());
        }
        marker.getSideOutput(TenantMarker.MARKS).clear();
        if (marksFirst) {
            mark(marks);
        }
        String k = wiring.key(p);
        int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(k, MAX_PARALLELISM, limiters.size());
        if (holdInstead != null) {
            var op = (TenantRecordLimiter<P>) limiters.get(subtask).getOperator();
            op.setCurrentKey(k);
            holdInstead.hold(op, wiring.copy(p));
        } else {
            limiters.get(subtask).processElement1(new StreamRecord<>(wiring.copy(p), wiring.time(p)));
        }
        if (!marksFirst) {
            mark(marks);
        }
        collect();
    }

    void mark(List<TenantMark> marks) throws Exception {
        for (TenantMark m : marks) {
            admission.processElement(new StreamRecord<>(m, m.minute));
        }
        broadcast();
    }

    /** The admission's decisions to every limiter. */
    void broadcast() throws Exception {
        for (Object o : new ArrayList<>(admission.getOutput())) {
            if (o instanceof StreamRecord<?> r) {
                for (var h : limiters) {
                    h.processElement2(new StreamRecord<>(new TenantDecision.Serializer().copy((TenantDecision) r.getValue())));
                }
            }
        }
        admission.getOutput().clear();
    }

    void watermark(long w) throws Exception {
        marker.processWatermark(new Watermark(w));
        admission.processWatermark(new Watermark(w));
        broadcast();
        for (var h : limiters) {
            h.processWatermark1(new Watermark(w));
            h.processWatermark2(new Watermark(w));
        }
        collect();
    }

    @SuppressWarnings("unchecked")
    void collect() {
        for (int i = 0; i < limiters.size(); i++) {
            var h = limiters.get(i);
            while (watermarks.size() <= i) {
                watermarks.add(new ArrayList<>());
            }
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    emitted.add(wiring.describe((P) r.getValue()));
                } else if (o instanceof Watermark w) {
                    watermarks.get(i).add(w.getTimestamp());
                }
            }
            h.getOutput().clear();
        }
    }

    /** What the limiters emitted so far, sorted. */
    List<String> emitted() {
        List<String> out = new ArrayList<>(emitted);
        out.sort(null);
        return out;
    }

    int keyedStateEntries() {
        int n = admission.numKeyedStateEntries();
        for (var h : limiters) {
            n += h.numKeyedStateEntries();
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        marker.close();
        admission.close();
        for (var h : limiters) {
            h.close();
        }
    }
}
