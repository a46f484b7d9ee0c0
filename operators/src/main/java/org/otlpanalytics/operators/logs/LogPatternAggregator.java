package org.otlpanalytics.operators.logs;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.time.EpochWindows;
import org.otlpanalytics.operators.common.time.KeyedWindows;
import org.otlpanalytics.operators.common.time.WatermarkHorizon;

/**
 * {@code log_pattern_5m}: merges {@link LogPatternPartial}s of one fingerprint into 5-minute
 * event-time windows aligned to the epoch. Keyed by {@link #seriesKey(LogPatternPartial)} (tenant,
 * service, fingerprint), so each key holds only the few windows still open.
 *
 * <p>A window fires when the watermark passes its end; partials arriving afterwards but within the
 * allowed lateness (from records that were late at {@link LogFingerprinter}, which it counts just
 * before the lateness ends) update the row and re-emit it (rows are upserts); the window is dropped
 * when the watermark passes its end plus the allowed lateness. Partials cannot normally be later than
 * that, since the fingerprinter emits them before forwarding the watermark that passes them; any that
 * are go to {@link #LATE_PARTIALS}, counted. Lateness is judged by {@link KeyedWindows} against the
 * operator's {@link WatermarkHorizon}, so it must run in a
 * {@link org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator}.
 */
public class LogPatternAggregator extends KeyedProcessFunction<String, LogPatternPartial, LogPatternWindowRow>
        implements WatermarkHorizon.Aware {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LogPatternPartial> LATE_PARTIALS =
            new OutputTag<>("log-patterns-late-partials", TypeInformation.of(LogPatternPartial.class));
    static final String WINDOWS = "log-pattern-windows";

    private final long allowedLatenessMillis;
    private final MapStateDescriptor<Long, LogPatternWindow> windowsDescriptor;
    private transient WatermarkHorizon horizon;
    private transient KeyedWindows<LogPatternWindow> windows;
    private transient Counter merged;
    private transient Counter late;
    private transient Counter rows;

    public LogPatternAggregator(LogPatternOptions options) {
        this.allowedLatenessMillis = options.allowedLatenessMillis();
        this.windowsDescriptor = new MapStateDescriptor<>(WINDOWS, LongSerializer.INSTANCE, new LogPatternWindowSerializer());
    }

    /** The key this function expects: one per tenant, service and fingerprint. */
    public static String seriesKey(LogPatternPartial p) {
        return p.seriesKey();
    }

    @Override
    public void setWatermarkHorizon(WatermarkHorizon horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        windows = new KeyedWindows<>(new EpochWindows(LogPatternOptions.WINDOW_MILLIS, allowedLatenessMillis),
                getRuntimeContext().getMapState(windowsDescriptor), horizon);
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup(LogPatternMetrics.AGGREGATOR_GROUP);
        merged = g.counter(LogPatternMetrics.PARTIALS_MERGED);
        late = g.counter(LogPatternMetrics.PARTIALS_LATE_DROPPED);
        rows = g.counter(LogPatternMetrics.ROWS_EMITTED);
    }

    @Override
    public void processElement(LogPatternPartial p, Context ctx, Collector<LogPatternWindowRow> out) throws Exception {
        long start = windows.assign(p.windowStartMillis, ctx.timerService());
        if (start == KeyedWindows.LATE) {
            late.inc();
            ctx.output(LATE_PARTIALS, p);
            return;
        }
        LogPatternWindow w = windows.get(start);
        boolean created = w == null;
        if (created) {
            w = LogPatternWindow.of(p);
        }
        w.add(p);
        merged.inc();
        if (created) {
            windows.create(start, w, ctx.timerService());
        } else {
            windows.update(start, w);
        }
        if (w.fired) {
            // late but within the allowed lateness: the row is rewritten with the new totals
            emit(w, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LogPatternWindowRow> out) throws Exception {
        String key = ctx.getCurrentKey();
        windows.onTimer(timestamp, (start, w) -> {
            checkKey(key, w);
            emit(w, out);
        }, (start, w) -> checkKey(key, w));
    }

    /**
     * Refuses a window restored under a key its partials no longer get (timers are the only way such
     * state is reached): a 0.1.0 key of a tenant or service holding {@code \u0000}, {@code \u0001} or
     * null ({@link org.otlpanalytics.operators.common.SeparatedKey}). Its row and the row of the
     * window the same series opens under the current key would overwrite each other.
     */
    private static void checkKey(String key, LogPatternWindow w) {
        String current = LogPatternPartial.seriesKey(w.tenant, w.serviceUrn, w.fingerprintId);
        if (!current.equals(key)) {
            throw new IllegalStateException("incompatible restored state '" + WINDOWS + "' of operator uid log-pattern-aggregator: "
                    + "the window " + w.windowStartMillis + " of (tenant " + LogFingerprinter.quote(w.tenant) + ", service "
                    + LogFingerprinter.quote(w.serviceUrn) + ", fingerprint " + TemplateFingerprint.toHex(w.fingerprintId)
                    + ") is stored under key " + LogFingerprinter.quote(key) + ", not under its current key " + LogFingerprinter.quote(current)
                    + " (a 0.1.0 key of a name holding \\u0000, \\u0001 or null); its counts would be overwritten. "
                    + "Restore without this state (drop it with the State Processor API) or replay the affected range");
        }
    }

    private void emit(LogPatternWindow w, Collector<LogPatternWindowRow> out) {
        rows.inc();
        out.collect(w.toRow());
    }
}
