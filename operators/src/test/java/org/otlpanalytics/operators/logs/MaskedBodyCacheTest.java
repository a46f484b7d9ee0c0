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

    @Test
    void looksUpOnlySampledBodiesWhileItRarelyHitsAndEveryBodyAgainOnceItDoes() {
        MaskedBodyCache cache = new MaskedBodyCache(10_000); // room for every body stored here: the size counts the stores
        // one-off bodies: no hits in the first window, then only every SAMPLE_EVERY-th body is looked up and stored
        int n = 0;
        for (int i = 0; i < MaskedBodyCache.WINDOW; i++, n++) {
            assertThat(cache.tokens("request " + n + " from tenant t" + (n % 7), masking))
                    .containsExactly(MaskingScanner.scan("request " + n + " from tenant t" + (n % 7)));
        }
        assertThat(cache.sampling()).isTrue();
        long before = cache.size();
        int sampledRecords = 16 * MaskedBodyCache.SAMPLE_EVERY * 100;
        for (int i = 0; i < sampledRecords; i++, n++) {
            String body = "request " + n + " from tenant t" + (n % 7);
            assertThat(cache.tokens(body, masking)).containsExactly(MaskingScanner.scan(body));
        }
        assertThat(cache.size() - before).as("stored while sampling").isEqualTo(sampledRecords / MaskedBodyCache.SAMPLE_EVERY);
        assertThat(maskings).hasValue(MaskedBodyCache.WINDOW + sampledRecords);
        // bodies that repeat: the sampled lookups hit, and after a window of them every body is looked up again
        String[] repeated = new String[40];
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = "GET /api/items/" + i + " completed";
        }
        int records = 0;
        while (cache.sampling()) {
            String body = repeated[records++ % repeated.length];
            assertThat(cache.tokens(new String(body), masking)).containsExactly(MaskingScanner.scan(body));
            assertThat(records).as("records until every body is looked up again").isLessThanOrEqualTo(
                    2 * MaskedBodyCache.WINDOW * MaskedBodyCache.SAMPLE_EVERY);
        }
        int maskedSoFar = maskings.get();
        for (int i = 0; i < 10 * repeated.length; i++) {
            assertThat(cache.tokens(repeated[i % repeated.length], masking)).containsExactly(MaskingScanner.scan(repeated[i % repeated.length]));
        }
        assertThat(maskings.get() - maskedSoFar).as("every repeated body a hit now").isLessThanOrEqualTo(repeated.length);
        assertThat(cache.sampling()).isFalse();
    }

    @Test
    void neverSamplesWhileHitsAreFrequent() {
        MaskedBodyCache cache = new MaskedBodyCache(1_000);
        // one body in three new, two repeats of a small set: a hit rate of about two in three
        for (int i = 0; i < 10 * MaskedBodyCache.WINDOW; i++) {
            String body = i % 3 == 0 ? "session " + i + " opened" : "health check ok on node " + (i % 50);
            assertThat(cache.tokens(body, masking)).containsExactly(MaskingScanner.scan(body));
            assertThat(cache.sampling()).isFalse();
        }
    }
}
