package org.otlpanalytics.jobs.bench.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.logs.LogDecoder;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/** The demo's shop traffic ({@link TelemetryGenerator}) decoded as the jobs decode it, in event-time order. */
final class ShopTraffic {
    /** A minute boundary, so that one generated minute is one RED and metrics window. */
    static final long START_MILLIS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private final TelemetryGenerator traces = generator(false, false);
    private final SpanDecoder spanDecoder = new SpanDecoder(Encoding.OTLP_PROTO);
    private long offset;

    /**
     * The spans of {@code millis} of traffic at {@code tracesPerSecond} from {@code startMillis}; consecutive
     * calls continue the same traffic (new trace ids, growing offsets).
     */
    List<SpanRecord> spans(long startMillis, long millis, double tracesPerSecond) throws Exception {
        List<SpanRecord> out = new ArrayList<>();
        for (TelemetryGenerator.Message m : traces.generate(startMillis, millis, tracesPerSecond)) {
            if (m.signal.equals("traces")) {
                spanDecoder.decode(m.value, (int) (offset % 2), offset++, out);
            }
        }
        return out;
    }

    /** The log records of one minute of traffic at {@code tracesPerSecond}. */
    static List<LogRecordFlat> logs(double tracesPerSecond) throws Exception {
        LogDecoder d = new LogDecoder(Encoding.OTLP_PROTO);
        List<LogRecordFlat> out = new ArrayList<>();
        long offset = 0;
        for (TelemetryGenerator.Message m : generator(true, false).generate(START_MILLIS, 60_000, tracesPerSecond)) {
            if (m.signal.equals("logs")) {
                d.decode(m.value, (int) (offset % 2), offset++, out);
            }
        }
        return out;
    }

    /** The metric points of one minute (six 10-second exports per service), one list per export. */
    static List<List<MetricPoint>> metricExports() throws Exception {
        MetricDecoder d = new MetricDecoder(Encoding.OTLP_PROTO);
        List<List<MetricPoint>> out = new ArrayList<>();
        long offset = 0;
        for (TelemetryGenerator.Message m : generator(false, true).generate(START_MILLIS, 60_000, 1)) {
            if (m.signal.equals("metrics")) {
                List<MetricPoint> export = new ArrayList<>();
                d.decode(m.value, (int) (offset % 2), offset++, export);
                out.add(export);
            }
        }
        return out;
    }

    private static TelemetryGenerator generator(boolean logs, boolean metrics) {
        return new TelemetryGenerator(1, "default").withLogs(logs).withMetrics(metrics);
    }
}
