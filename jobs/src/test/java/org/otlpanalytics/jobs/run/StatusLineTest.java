package org.otlpanalytics.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    static StatusMetrics.Entry counter(String operator, String name, long n) {
        SimpleCounter c = new SimpleCounter();
        c.inc(n);
        return new StatusMetrics.Entry(operator, name, c);
    }

    static StatusMetrics.Entry gauge(String operator, String name, long n) {
        return new StatusMetrics.Entry(operator, name, (Gauge<Long>) () -> n);
    }

    @Test
    void sumsTheJobsOwnCountersPerSignalAndPipeline() {
        List<StatusMetrics.Entry> e = List.of(
                counter("Source: spans-source", "deserializer.otlpDecoder.recordsDecoded", 1000),
                counter("spans-source", "otlpDecoder.recordsDecoded", 500), // the second subtask
                gauge("spans-source", "pendingRecords", 40),
                counter("spans-source", "otlpDecoder.messagesDeadLettered", 2),
                counter("red-preaggregate", "redAggregator.spansLateDropped", 3),
                counter("red-1m-sink: Writer", "postgresSink.rowsWritten", 70),
                counter("service-call-5m-sink: Writer", "postgresSink.rowsWritten", 9),
                gauge("job", "numberOfCompletedCheckpoints", 4),
                gauge("job", "lastCheckpointDuration", 120),
                gauge("job", "lastCheckpointSize", 2048));
        StatusLine.Snapshot s = StatusLine.snapshot(e, 10_000);
        assertThat(s.recordsIn).containsEntry("spans", 1500L);
        assertThat(s.lag).containsEntry("spans", 40L);
        assertThat(s.rowsOut).containsEntry("red", 70L).containsEntry("edges", 9L);
        assertThat(s.deadLetters).isEqualTo(2);
        assertThat(s.late).isEqualTo(3);
        StatusLine.Snapshot before = StatusLine.snapshot(List.of(counter("spans-source", "otlpDecoder.recordsDecoded", 500)), 8_000);
        String line = StatusLine.format(s, before, 7_000);
        assertThat(line).contains("spans in 1,500 (500/s) lag 40").contains("rows red 70 edges 9")
                .contains("dead letters 2 late 3").contains("checkpoint #4 3s ago, 120 ms, 2.0 kB");
    }

    @Test
    void skipsAGaugeThatThrowsWhileItsTaskChangesIt() {
        Gauge<Integer> racing = () -> {
            throw new java.util.ConcurrentModificationException();
        };
        StatusMetrics.Entry pending = new StatusMetrics.Entry("red-1m-sink: Committer", "pendingCommittables", racing);
        assertThat(pending.value()).isNaN();
        StatusLine.Snapshot s = StatusLine.snapshot(List.of(pending,
                counter("spans-source", "otlpDecoder.recordsDecoded", 500), gauge("spans-source", "pendingRecords", 7)), 10_000);
        assertThat(s.recordsIn).containsEntry("spans", 500L);
        assertThat(s.lag).containsEntry("spans", 7L);
    }

    @Test
    void countsTheClickHouseSinksBesideThePostgresSinks() {
        List<StatusMetrics.Entry> e = List.of(
                counter("red-1m-sink: Writer", "postgresSink.rowsWritten", 70),
                counter("red-1m-clickhouse-sink: Writer", "clickhouseSink.rowsWritten", 70),
                counter("log-record-clickhouse-sink: Writer", "clickhouseSink.rowsWritten", 500),
                counter("span-clickhouse-sink: Writer", "clickhouseSink.rowsWritten", 900),
                counter("event-envelope-clickhouse-sink: Writer", "clickhouseSink.rowsWritten", 2),
                counter("log-record-clickhouse-sink: Writer", "clickhouseSink.rowsDeadLettered", 1));
        StatusLine.Snapshot s = StatusLine.snapshot(e, 10_000);
        assertThat(s.rowsOut).containsEntry("red", 140L).containsEntry("logs", 500L).containsEntry("spans", 900L)
                .containsEntry("incidents", 2L);
        assertThat(s.deadLetters).isEqualTo(1);
    }

    @Test
    void logicalNameDropsTheSystemScope() {
        assertThat(StatusMetrics.logicalName("localhost.taskmanager.tm-1.otlp-analytics red.red-1m.0.redAggregator.rowsEmitted",
                "rowsEmitted")).isEqualTo("redAggregator.rowsEmitted");
        assertThat(StatusMetrics.logicalName("localhost.jobmanager.otlp-analytics red.numberOfCompletedCheckpoints",
                "numberOfCompletedCheckpoints")).isEqualTo("numberOfCompletedCheckpoints");
    }
}
