package org.otlpanalytics.operators.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeparatedKeyTest {
    /** Names without NUL, SOH or null get exactly the key 0.1.0 wrote, so its keyed state restores in place. */
    @Test
    void plainNamesGiveTheKeyOfVersion010() {
        assertThat(SeparatedKey.of("acme", "urn:svc:shop/frontend")).isEqualTo("acme" + '\u0000' + "urn:svc:shop/frontend");
        assertThat(SeparatedKey.of("acme", "urn:svc:shop/frontend", "00ff"))
                .isEqualTo("acme" + '\u0000' + "urn:svc:shop/frontend" + '\u0000' + "00ff");
        assertThat(SeparatedKey.of("", "")).isEqualTo("\u0000");
        assertThat(SeparatedKey.matches("acme\u0000x", "acme", "x")).isTrue();
    }

    /** The metrics pipeline's 0.1.0 keys were joined with U+001F: the same rules with that separator. */
    @Test
    void anotherSeparatorGivesThatReleasesKeysAndStaysInjective() {
        assertThat(SeparatedKey.of('\u001f', "acme", "urn:host:h1")).isEqualTo("acme\u001furn:host:h1");
        assertThat(SeparatedKey.of('\u001f', "a\u001fb", "c")).isNotEqualTo(SeparatedKey.of('\u001f', "a", "b\u001fc"));
        assertThat(SeparatedKey.of('\u001f', "a\u0000b", "c")).isEqualTo("a\u0000b\u001fc");
        assertThat(SeparatedKey.of('\u001f', null, "c")).isNotEqualTo(SeparatedKey.of('\u001f', "null", "c"));
    }

    @Test
    void craftedNamesCannotProduceAnotherTenantsKey() {
        assertThat(SeparatedKey.of("a\u0000b", "c")).isNotEqualTo(SeparatedKey.of("a", "b\u0000c"));
        assertThat(SeparatedKey.of("acme", "urn:svc:/x\u0000evil")).isNotEqualTo(SeparatedKey.of("acme\u0000urn:svc:/x", "evil"));
        assertThat(SeparatedKey.of(null, "x")).isNotEqualTo(SeparatedKey.of("", "x")).isNotEqualTo(SeparatedKey.of("null", "x"));
        assertThat(SeparatedKey.of("a\u00010", "b")).isNotEqualTo(SeparatedKey.of("a\u0000", "b"));
        assertThat(SeparatedKey.of("a\u0001", "-b")).isNotEqualTo(SeparatedKey.of(null, "b"));
        assertThat(SeparatedKey.of("a", "b\u0000c", "d")).isNotEqualTo(SeparatedKey.of("a", "b", "c\u0000d"));
        // a 0.1.0 key of a name with a separator is not its current key: operators refuse such state
        assertThat(SeparatedKey.matches("a\u0000b\u0000c", "a\u0000b", "c")).isFalse();
    }

    @Test
    void everyPairOfShortNamesOverTheSpecialCharactersHasItsOwnKey() {
        List<String> names = new java.util.ArrayList<>();
        names.add(null);
        String alphabet = "\u0000\u0001-01a";
        names.add("");
        for (char x : alphabet.toCharArray()) {
            names.add(String.valueOf(x));
            for (char y : alphabet.toCharArray()) {
                names.add("" + x + y);
            }
        }
        Set<String> keys = new HashSet<>();
        for (String a : names) {
            for (String b : names) {
                assertThat(keys.add(SeparatedKey.of(a, b))).as("key of (%s, %s) is new", a, b).isTrue();
            }
        }
    }
}
