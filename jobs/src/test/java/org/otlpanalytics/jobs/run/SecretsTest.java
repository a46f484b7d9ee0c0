package org.otlpanalytics.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void masksPasswordsInJdbcAndHttpUrls() {
        assertThat(Secrets.mask("jdbc:postgresql://db:5432/otlp?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/otlp?user=u&password=****&ssl=true");
        assertThat(Secrets.mask("http://default:pw@clickhouse:8123/?database=otlp")).isEqualTo("http://default:****@clickhouse:8123/?database=otlp");
        assertThat(Secrets.mask("jdbc:postgresql://db/otlp")).isEqualTo("jdbc:postgresql://db/otlp");
    }
}
