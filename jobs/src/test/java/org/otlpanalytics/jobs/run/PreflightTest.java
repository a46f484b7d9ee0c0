package org.otlpanalytics.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;

class PreflightTest {
    @Test
    void aCheckDirectoryBehindAFileIsReportedWithItsSetting(@TempDir Path tmp) throws Exception {
        Path file = Files.createFile(tmp.resolve("not-a-dir"));
        Preflight.Problem p = Preflight.checkpointDir(file.resolve("checkpoints").toString()).run(Duration.ofSeconds(1));
        assertThat(p).isNotNull();
        assertThat(p.setting).isEqualTo("checkpoint-dir");
        assertThat(Preflight.checkpointDir(tmp.resolve("ok").toUri().toString()).run(Duration.ofSeconds(1))).isNull();
    }

    @Test
    void anUnreachableClickHouseIsReportedWithItsSetting() throws Exception {
        ClickHouseSinkConfig c = ClickHouseSinkConfig.builder().url("http://127.0.0.1:1").build();
        Preflight.Problem p = Preflight.clickhouse(c).run(Duration.ofSeconds(2));
        assertThat(p).isNotNull();
        assertThat(p.setting).isEqualTo("clickhouse-url");
        assertThat(p.toString()).contains("ClickHouse at http://127.0.0.1:1 is unreachable").endsWith("(fix --clickhouse-url)");
    }

    @Test
    void checksAreRetriedUntilTheyPassWithinTheBudget() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Preflight.Check flaky = t -> attempts.incrementAndGet() < 2 ? new Preflight.Problem("bootstrap-servers", "not yet") : null;
        List<Preflight.Problem> seen = new ArrayList<>();
        assertThat(Preflight.runAll(List.of(flaky), Duration.ofSeconds(20), seen::add)).isEmpty();
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(seen).hasSize(1);
    }

    @Test
    void whatStillFailsWhenTheBudgetIsSpentIsReturned() throws Exception {
        Preflight.Check never = t -> new Preflight.Problem("jdbc-url", "down");
        Preflight.Check fine = t -> null;
        List<Preflight.Problem> left = Preflight.runAll(List.of(never, fine), Duration.ofSeconds(1), p -> { });
        assertThat(left).extracting(p -> p.setting).containsExactly("jdbc-url");
    }
}
