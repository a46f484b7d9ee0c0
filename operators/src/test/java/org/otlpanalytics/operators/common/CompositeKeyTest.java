package org.otlpanalytics.operators.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompositeKeyTest {
    @Test
    void craftedNamesCannotProduceAnotherTenantsKey() {
        // joined with a separator these two would be the same key
        assertThat(CompositeKey.of("a\u0000b", "c")).isNotEqualTo(CompositeKey.of("a", "b\u0000c"));
        assertThat(CompositeKey.of("acme", "urn:svc:/x\u0000evil")).isNotEqualTo(CompositeKey.of("acme\u0000urn:svc:/x", "evil"));
        assertThat(CompositeKey.of("1:a", "b")).isNotEqualTo(CompositeKey.of("1", "a1:b"));
        assertThat(CompositeKey.of((String) null, "x")).isNotEqualTo(CompositeKey.of("", "x"));
    }

    @Test
    void splitGivesBackThePartsOfAKeyOfThatManyPartsElseNull() {
        String nested = CompositeKey.of(CompositeKey.of("1700000000000", "acme:1"), "17");
        assertThat(CompositeKey.split(nested, 2)).containsExactly(CompositeKey.of("1700000000000", "acme:1"), "17");
        assertThat(CompositeKey.split(CompositeKey.of("a", "", "c:d"), 3)).containsExactly("a", "", "c:d");
        assertThat(CompositeKey.split(CompositeKey.of("a", "b"), 3)).isNull();
        assertThat(CompositeKey.split(CompositeKey.of("a", "b", "c"), 2)).isNull();
        assertThat(CompositeKey.split(CompositeKey.of((String) null, "b"), 2)).isNull();
        assertThat(CompositeKey.split("9:short1:x", 2)).isNull();
        assertThat(CompositeKey.split("+1:a1:b", 2)).isNull();
        assertThat(CompositeKey.split("", 1)).isNull();
    }

    @Test
    void stableHashOfPartsIsInjectiveOverSeparators() {
        assertThat(StableHash.of("ab", "c")).isNotEqualTo(StableHash.of("a", "bc"));
        assertThat(StableHash.of("a\u001fb", "c")).isNotEqualTo(StableHash.of("a", "b\u001fc"));
        assertThat(StableHash.of("t", "x")).isEqualTo(StableHash.of("t", "x"));
    }
}
