package org.otlpanalytics.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.Encoding;

class JobOptionsTest {
    @Test
    void parsesKeyValueAndKeyEqualsValueWithDefaults() {
        JobOptions o = JobOptions.parse(new String[] {"--bootstrap-servers", "k:1", "--allowed-lateness=90s", "--encoding", "otlp_json"});
        assertThat(o.get(JobOptions.BOOTSTRAP)).isEqualTo("k:1");
        assertThat(o.getDuration(JobOptions.ALLOWED_LATENESS)).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.encoding()).isEqualTo(Encoding.OTLP_JSON);
        assertThat(o.getDuration(JobOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.get(JobOptions.SPANS_TOPIC)).isEqualTo("otlp_spans");
    }

    @Test
    void rejectsUnknownOptionsNamingThem() {
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--bootstrap", "x"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bootstrap");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--parallelism"}))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--allowed-lateness", "soon"}).getDuration(JobOptions.ALLOWED_LATENESS))
                .hasMessageContaining("--allowed-lateness");
        assertThatThrownBy(() -> JobOptions.defaults().require(JobOptions.JDBC_URL)).hasMessageContaining("--jdbc-url");
    }

    @Test
    void readsReplayInstantsAsIsoOrEpochMillis() {
        JobOptions o = JobOptions.parse(new String[] {"--from", "2026-03-01T10:00:00Z", "--to", "1772362800000"});
        assertThat(o.getInstant(JobOptions.FROM)).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(o.getInstant(JobOptions.TO)).isEqualTo(Instant.ofEpochMilli(1772362800000L));
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--from", "yesterday"}).getInstant(JobOptions.FROM))
                .hasMessageContaining("ISO-8601");
    }
}
