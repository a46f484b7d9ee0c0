package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClickHouseSinkConfigTest {
    @Test
    void defaultsAreValid() {
        ClickHouseSinkConfig c = ClickHouseSinkConfig.builder().build();
        assertThat(c.url()).isEqualTo("http://localhost:8123");
        assertThat(c.database()).isEqualTo("otlp");
        assertThat(c.batchMaxRows()).isEqualTo(100_000);
        assertThat(c.user()).isNull();
    }

    @Test
    void rejectsConfigWithoutHttpUrl() {
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().url("jdbc:clickhouse://x:8123").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clickhouse-url");
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().url("http://x:8123/?database=a").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clickhouse-url");
    }

    @Test
    void rejectsDatabaseThatIsNotAPlainIdentifier() {
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().database("otlp`; DROP DATABASE x").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clickhouse-database");
        assertThat(ClickHouseSinkConfig.builder().database("otlp_2026").build().database()).isEqualTo("otlp_2026");
    }

    @Test
    void rejectsBadBatchAndRetrySettings() {
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().batchMaxRows(0).build())
                .hasMessageContaining("clickhouse-batch-max-rows");
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().batchMaxBytes(10).build())
                .hasMessageContaining("clickhouse-batch-max-bytes");
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().maxRetries(-1).build())
                .hasMessageContaining("clickhouse-max-retries");
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().retryBackoff(Duration.ofSeconds(20)).build())
                .hasMessageContaining("clickhouse-retry-backoff");
        assertThatThrownBy(() -> ClickHouseSinkConfig.builder().password("x").build())
                .hasMessageContaining("clickhouse-user");
    }

    @Test
    void backoffDoublesUpToItsCap() {
        ClickHouseSinkConfig c = ClickHouseSinkConfig.builder().retryBackoff(Duration.ofMillis(100))
                .retryMaxBackoff(Duration.ofMillis(700)).build();
        assertThat(c.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(c.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(c.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(c.backoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThat(c.backoff(60)).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void toStringHidesThePassword() {
        ClickHouseSinkConfig c = ClickHouseSinkConfig.builder().user("u").password("s3cret").build();
        assertThat(c.toString()).doesNotContain("s3cret");
    }
}
