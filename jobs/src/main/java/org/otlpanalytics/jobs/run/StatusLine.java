package org.otlpanalytics.jobs.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code run}'s status line, computed from the job's own metrics ({@link StatusMetrics}):
 * records in per signal (with the rate since the previous line) and the consumer lag of its
 * topic, rows written per pipeline, dead letters and late records since start, and the last
 * checkpoint (age, duration, size).
 *
 * <pre>
 * 15:04:05 spans in 1,234,567 (12.3k/s) lag 120 | logs in 88,120 (1.1k/s) lag 0 | rows red 3,210 edges 512 | dead 3 late 0 | checkpoint #42 4s ago, 312 ms, 1.2 MB
 * </pre>
 */
public final class StatusLine {
    /** What one status line shows; built from the metrics by {@link #snapshot}. */
    public static final class Snapshot {
        public final long atMillis;
        public final Map<String, Long> recordsIn = new LinkedHashMap<>();
        public final Map<String, Long> lag = new LinkedHashMap<>();
        public final Map<String, Long> rowsOut = new LinkedHashMap<>();
        public long deadLetters;
        public long late;
        public long checkpoints;
        public long lastCheckpointDurationMs;
        public long lastCheckpointBytes;

        Snapshot(long atMillis) {
            this.atMillis = atMillis;
        }
    }

    private StatusLine() {}

    static final String[] SIGNALS = {"spans", "logs", "metrics"};

    /** The signal a source operator reads ({@code Source: spans-source} → spans), or null. */
    static String signalOf(String operator) {
        String o = operator.startsWith("Source: ") ? operator.substring("Source: ".length()) : operator;
        for (String s : SIGNALS) {
            if (o.startsWith(s + "-source")) {
                return s;
            }
        }
        return null;
    }

    /** The pipeline a sink writes for, from its operator name; null for operators that are not sinks. */
    static String pipelineOfSink(String operator) {
        String o = operator.toLowerCase(Locale.ROOT);
        if (!o.contains("sink") || o.contains("dead-letter")) {
            return null;
        }
        if (o.startsWith("red")) {
            return "red";
        }
        if (o.startsWith("log")) {
            return "logs";
        }
        if (o.startsWith("metric") || o.startsWith("use")) {
            return "metrics";
        }
        if (o.startsWith("service-call") || o.startsWith("topo") || o.startsWith("live") || o.startsWith("edge")) {
            return "edges";
        }
        if (o.startsWith("event-envelope") || o.startsWith("evidence")) {
            return "incidents";
        }
        if (o.startsWith("span")) {
            return "spans";
        }
        return "other";
    }

    public static Snapshot snapshot(List<StatusMetrics.Entry> entries, long nowMillis) {
        Snapshot s = new Snapshot(nowMillis);
        for (StatusMetrics.Entry e : entries) {
            double v = e.value();
            if (Double.isNaN(v)) {
                continue;
            }
            long n = (long) v;
            String signal = signalOf(e.operator);
            // the decoder's counters sit in the source reader's "deserializer" group
            if (signal != null && e.name.endsWith("otlpDecoder.recordsDecoded")) {
                s.recordsIn.merge(signal, n, Long::sum);
            } else if (signal != null && e.name.equals("pendingRecords")) {
                s.lag.merge(signal, Math.max(0, n), Long::sum);
            } else if (e.name.endsWith("otlpDecoder.messagesDeadLettered") || e.name.endsWith("Sink.rowsDeadLettered")) {
                s.deadLetters += n;
            } else if (e.name.endsWith("LateDropped") || e.name.endsWith("lateDropped")) {
                s.late += n;
            } else if (e.name.endsWith("Sink.rowsWritten")) {
                String p = pipelineOfSink(e.operator);
                if (p != null) {
                    s.rowsOut.merge(p, n, Long::sum);
                }
            } else if (e.name.equals("numberOfCompletedCheckpoints")) {
                s.checkpoints = Math.max(s.checkpoints, n);
            } else if (e.name.equals("lastCheckpointDuration")) {
                s.lastCheckpointDurationMs = Math.max(s.lastCheckpointDurationMs, n);
            } else if (e.name.equals("lastCheckpointSize") || e.name.equals("lastCheckpointFullSize")) {
                s.lastCheckpointBytes = Math.max(s.lastCheckpointBytes, n);
            }
        }
        return s;
    }

    /** The line for {@code now}, with rates against {@code previous} (may be null) and the checkpoint's age. */
    public static String format(Snapshot now, Snapshot previous, long lastCheckpointSeenMillis) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%tT", now.atMillis));
        double secs = previous == null ? 0 : (now.atMillis - previous.atMillis) / 1000.0;
        for (String signal : SIGNALS) {
            Long in = now.recordsIn.get(signal);
            if (in == null) {
                continue;
            }
            sb.append(' ').append(signal).append(" in ").append(count(in));
            if (secs > 0) {
                long before = previous.recordsIn.getOrDefault(signal, 0L);
                sb.append(" (").append(HumanUnits.rate((in - before) / secs)).append("/s)");
            }
            sb.append(" lag ").append(count(now.lag.getOrDefault(signal, 0L)));
            sb.append(" |");
        }
        sb.append(" rows");
        if (now.rowsOut.isEmpty()) {
            sb.append(" 0");
        }
        for (Map.Entry<String, Long> e : now.rowsOut.entrySet()) {
            sb.append(' ').append(e.getKey()).append(' ').append(count(e.getValue()));
        }
        sb.append(" | dead letters ").append(count(now.deadLetters)).append(" late ").append(count(now.late));
        sb.append(" | checkpoint ");
        if (now.checkpoints == 0) {
            sb.append("none yet");
        } else {
            sb.append('#').append(now.checkpoints).append(' ')
                    .append(Math.max(0, (now.atMillis - lastCheckpointSeenMillis) / 1000)).append("s ago, ")
                    .append(now.lastCheckpointDurationMs).append(" ms, ").append(HumanUnits.bytes(now.lastCheckpointBytes));
        }
        return sb.toString();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
