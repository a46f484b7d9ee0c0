package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClickHouseErrorsTest {
    @Test
    void readsTheCodeOfOldAndNewServers() {
        assertThat(ClickHouseErrors.code("Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist., "
                + "e.what() = DB::Exception")).isEqualTo(60);
        assertThat(ClickHouseErrors.code("Code: 395. DB::Exception: Value passed to 'throwIf' function is non-zero: "
                + "(FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 26.7.2.1)")).isEqualTo(395);
        assertThat(ClickHouseErrors.code("<html>Bad Gateway</html>")).isEqualTo(-1);
    }

    @Test
    void sortsErrorsIntoDataRetryableAndPersistent() {
        assertThat(ClickHouseErrors.kind(500, 395)).isEqualTo(ClickHouseException.Kind.DATA);
        assertThat(ClickHouseErrors.kind(500, 27)).isEqualTo(ClickHouseException.Kind.DATA);
        assertThat(ClickHouseErrors.kind(500, 252)).isEqualTo(ClickHouseException.Kind.RETRYABLE);
        assertThat(ClickHouseErrors.kind(500, 241)).isEqualTo(ClickHouseException.Kind.RETRYABLE);
        assertThat(ClickHouseErrors.kind(503, -1)).isEqualTo(ClickHouseException.Kind.RETRYABLE);
        assertThat(ClickHouseErrors.kind(-1, -1)).isEqualTo(ClickHouseException.Kind.RETRYABLE);
        assertThat(ClickHouseErrors.kind(404, 60)).isEqualTo(ClickHouseException.Kind.PERSISTENT);
        assertThat(ClickHouseErrors.kind(403, 516)).isEqualTo(ClickHouseException.Kind.PERSISTENT);
        assertThat(ClickHouseErrors.kind(400, -1)).isEqualTo(ClickHouseException.Kind.PERSISTENT);
    }

    @Test
    void messageIsTheFirstLine() {
        assertThat(ClickHouseErrors.message("Code: 1. DB::Exception: x\n0. stack\n1. more\n")).isEqualTo("Code: 1. DB::Exception: x");
    }
}
