package org.otlpanalytics.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SinkSelectionTest {
    @Test
    void defaultsToPostgres() {
        assertThat(JobOptions.defaults().sinks().has(SinkSelection.Store.POSTGRES)).isTrue();
        assertThat(SinkSelection.parse(" Postgres, postgres ").stores()).containsExactly(SinkSelection.Store.POSTGRES);
    }

    @Test
    void rejectsUnknownAndEmptyListsNamingTheOption() {
        assertThatThrownBy(() -> SinkSelection.parse("postgres,cassandra")).hasMessageContaining("--sinks")
                .hasMessageContaining("cassandra").hasMessageContaining("postgres");
        assertThatThrownBy(() -> SinkSelection.parse(" , ")).hasMessageContaining("--sinks");
    }
}
