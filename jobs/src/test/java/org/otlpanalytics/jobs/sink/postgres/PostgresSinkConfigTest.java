package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
