package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MaskedBodyCacheTest {
    private final AtomicInteger maskings = new AtomicInteger();
    private final Function<String, String[]> masking = body -> {
        maskings.incrementAndGet();
        return MaskingScanner.scan(body);
    };

    @Test
    void masksABodyOnceAndReturnsTheSameTokensAfter() {
        MaskedBodyCache cache = new MaskedBodyCache(16);
        String body = "Connection closed by 10.0.0.7 port 51234";

        String[] first = cache.tokens(body, masking);
        String[] second = cache.tokens(new String(body.toCharArray()), masking);

        assertThat(maskings).hasValue(1);
        assertThat(second).containsExactly("Connection", "closed", "by", "<*>", "port", "<*>").isEqualTo(first);
    }

    @Test
    void givesEachCallerItsOwnCopy() {
        MaskedBodyCache cache = new MaskedBodyCache(16);
        String[] first = cache.tokens("user 42 logged in", masking);
        first[0] = "changed";

        assertThat(cache.tokens("user 42 logged in", masking)).containsExactly("user", "<*>", "logged", "in");
    }

    @Test
    void masksLongBodiesEveryTimeWithoutStoringThem() {
        MaskedBodyCache cache = new MaskedBodyCache(16);
        String body = "payload " + "x".repeat(MaskedBodyCache.MAX_BODY_CHARS);

        cache.tokens(body, masking);
        cache.tokens(body, masking);

        assertThat(maskings).hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void masksBodiesOfManyTokensEveryTimeWithoutStoringThem() {
        MaskedBodyCache cache = new MaskedBodyCache(16);
        StringBuilder words = new StringBuilder("start");
        for (int i = 0; i < MaskedBodyCache.MAX_TOKENS; i++) {
            words.append(' ').append((char) ('a' + i % 26));
        }
        String many = words.toString();
        String few = "user 42 logged in";

        String[] first = cache.tokens(many, masking);
        String[] second = cache.tokens(many, masking);
        cache.tokens(few, masking);
        cache.tokens(few, masking);

        assertThat(first).hasSize(MaskedBodyCache.MAX_TOKENS + 1).containsExactly(second);
        assertThat(maskings).hasValue(3);
        assertThat(cache.size()).isOne();
    }

    @Test
    void staysWithinItsBoundUnderAStreamOfDistinctBodies() {
        MaskedBodyCache cache = new MaskedBodyCache(100);
        for (int i = 0; i < 20_000; i++) {
            assertThat(cache.tokens("request " + i + " from tenant t" + (i % 7), masking)).hasSize(5);
        }

        assertThat(cache.size()).isLessThanOrEqualTo(100);
        assertThat(maskings).hasValue(20_000);
    }

    @Test
    void keepsFrequentBodiesWhileOneOffBodiesPassThrough() {
        MaskedBodyCache cache = new MaskedBodyCache(100);
        for (int i = 0; i < 20; i++) {
            for (int k = 0; k < 80; k++) {
                cache.tokens("heartbeat from worker w" + k, masking);
            }
        }
        int before = maskings.get();
        for (int i = 0; i < 10_000; i++) {
            cache.tokens("one-off body number " + i, masking);
            cache.tokens("heartbeat from worker w" + (i % 80), masking);
        }

        // a frequent body comes back after 160 others, beyond what a plain LRU of 100 keeps:
        // every one-off body is masked, the frequent ones (almost) never again
        int frequentMasked = maskings.get() - before - 10_000;
        assertThat(frequentMasked).isBetween(0, 1_000);
    }

    @Test
    void rejectsANonPositiveBound() {
        assertThatThrownBy(() -> new MaskedBodyCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
