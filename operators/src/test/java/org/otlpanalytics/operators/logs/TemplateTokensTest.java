package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TemplateTokensTest {

    @Test
    void generalisesOnlyTheDifferingMiddleOfAToken() {
        assertThat(TemplateTokens.generalize("user=root", "user=guest")).isEqualTo("user=<*>");
        assertThat(TemplateTokens.generalize("()", "(host.example.org)")).isEqualTo("(<*>)");
        assertThat(TemplateTokens.generalize("rhost=nsuok.edu", "rhost=<*>")).isEqualTo("rhost=<*>");
        assertThat(TemplateTokens.generalize("Jul", "Jun")).isEqualTo("<*>");
        assertThat(TemplateTokens.generalize("broadcast_<*>", "rdd_<*>")).isEqualTo("<*>");
        assertThat(TemplateTokens.generalize("<*>:", "x")).isEqualTo("<*>");
    }

    @Test
    void wildcardTokensAcceptAnyFillOfTheirVariableParts() {
        assertThat(TemplateTokens.accepts("<*>", true, "anything")).isTrue();
        assertThat(TemplateTokens.accepts("(<*>)", true, "()")).isTrue();
        assertThat(TemplateTokens.accepts("(<*>)", true, "(a.b)")).isTrue();
        assertThat(TemplateTokens.accepts("blk_<*>", true, "blk_<*>")).isTrue();
        assertThat(TemplateTokens.accepts("a<*>b<*>c", true, "a1b2c")).isTrue();
        assertThat(TemplateTokens.accepts("a<*>b<*>c", true, "a1c")).isFalse();
        assertThat(TemplateTokens.accepts("user=<*>", true, "uid=0")).isFalse();
        assertThat(TemplateTokens.accepts("root", false, "guest")).isFalse();
    }
}
