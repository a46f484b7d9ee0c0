package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

class PostgresSinkConfigTest {
    @Test
    void rejectsConfigWithoutPostgresJdbcUrl() {
        assertThatThrownBy(() -> PostgresSinkConfig.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sink.postgres.jdbc-url");
        assertThatThrownBy(() -> PostgresSinkConfig.builder().jdbcUrl("jdbc:mysql://x/y").build())
                .hasMessageContaining("sink.postgres.jdbc-url");
        assertThatThrownBy(() -> PostgresSinkConfig.builder().jdbcUrl("jdbc:postgresql://x/y").batchSize(0).build())
                .hasMessageContaining("sink.postgres.batch-size");
    }

    @Test
    void batchKeepsLastValueOfARowRewrittenBeforeFlush() {
        PgBatch b = new PgBatch(2);
        b.add(1, List.of(1L, "a"), "first");
        b.add(1, List.of(1L, "a"), "second");
        b.addIfAbsent(0, 7L, "dim-1");
        b.addIfAbsent(0, 7L, "dim-2");
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.forStatement(1).values()).singleElement().satisfies(p -> assertThat(p).containsExactly("second"));
        assertThat(b.forStatement(0).values()).singleElement().satisfies(p -> assertThat(p).containsExactly("dim-1"));
    }

    @Test
    void appliesTimeoutsAndKeepAliveToEveryConnection() {
        PostgresSinkConfig c = PostgresSinkConfig.builder().jdbcUrl("jdbc:postgresql://db:5432/otlp?user=u").build();
        Properties effective = Driver.parseURL(c.jdbcUrl(), c.connectionProperties());
        assertThat(effective.getProperty("connectTimeout")).isEqualTo("10");
        assertThat(effective.getProperty("socketTimeout")).isEqualTo("300");
        assertThat(effective.getProperty("tcpKeepAlive")).isEqualTo("true");

        PostgresSinkConfig tuned = PostgresSinkConfig.builder().jdbcUrl("jdbc:postgresql://db/otlp")
                .connectTimeout(Duration.ofSeconds(3)).socketTimeout(Duration.ofMinutes(20)).tcpKeepAlive(false).build();
        Properties t = Driver.parseURL(tuned.jdbcUrl(), tuned.connectionProperties());
        assertThat(t.getProperty("connectTimeout")).isEqualTo("3");
        assertThat(t.getProperty("socketTimeout")).isEqualTo("1200");
        assertThat(t.getProperty("tcpKeepAlive")).isEqualTo("false");
    }

    @Test
    void jdbcUrlParametersWinOverTheDefaults() {
        PostgresSinkConfig c = PostgresSinkConfig.builder()
                .jdbcUrl("jdbc:postgresql://db/otlp?user=u&socketTimeout=0&connectTimeout=42&tcpKeepAlive=false").build();
        assertThat(c.connectionProperties()).doesNotContainKeys("socketTimeout", "connectTimeout", "tcpKeepAlive");
        Properties effective = Driver.parseURL(c.jdbcUrl(), c.connectionProperties());
        assertThat(effective.getProperty("socketTimeout")).isEqualTo("0");
        assertThat(effective.getProperty("connectTimeout")).isEqualTo("42");
        assertThat(effective.getProperty("tcpKeepAlive")).isEqualTo("false");
    }

    @Test
    void rejectsNegativeTimeouts() {
        assertThatThrownBy(() -> PostgresSinkConfig.builder().jdbcUrl("jdbc:postgresql://x/y")
                .socketTimeout(Duration.ofSeconds(-1)).build()).hasMessageContaining("sink.postgres.socket-timeout");
        assertThatThrownBy(() -> PostgresSinkConfig.builder().jdbcUrl("jdbc:postgresql://x/y")
                .connectTimeout(null).build()).hasMessageContaining("sink.postgres.connect-timeout");
    }
}
