package org.otlpanalytics.operators.logs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Function;

/**
 * The masked tokens of recently seen log bodies, so that a body seen again is not masked again:
 * masking is a pure function of the body and the {@link LogMasker}'s rules, so a hit returns exactly
 * what masking would. Only the tokens are kept, never a cluster: the tree still matches every record.
 *
 * <p>Bounded whatever the input: at most {@code maxEntries} bodies of at most {@link #MAX_BODY_CHARS}
 * characters and {@link #MAX_TOKENS} masked tokens each (others are masked every time and never stored). Caffeine's W-TinyLFU admission
 * keeps the frequent bodies when a stream of one-off bodies (timestamps or ids in the text, a hostile
 * sender) passes through, so such a stream costs a lookup per record and evicts little.
 *
 * <p>Thread-safe; every caller gets its own copy of the tokens.
 */
final class MaskedBodyCache {
    /** Longer bodies are not cached: they rarely repeat exactly and would make the bound a matter of size. */
    static final int MAX_BODY_CHARS = 256;
    /**
     * Bodies masked into more tokens are not stored: each token is a string of its own, so this bounds
     * an entry at about 3 KB (a 256-character body of one-character words would otherwise hold 128).
     */
    static final int MAX_TOKENS = 32;

    private final Cache<String, String[]> cache;

    MaskedBodyCache(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        // run maintenance on the caller's thread: no work handed to the common pool of a task manager
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    }

    /** The tokens of {@code body}: from the cache, or {@code masking}'s result, stored when the body is short. */
    String[] tokens(String body, Function<String, String[]> masking) {
        if (body.length() > MAX_BODY_CHARS) {
            return masking.apply(body);
        }
        String[] tokens = cache.getIfPresent(body);
        if (tokens == null) {
            tokens = masking.apply(body);
            if (tokens.length > MAX_TOKENS) {
                return tokens;
            }
            cache.put(body, tokens);
        }
        return tokens.clone();
    }

    /** Bodies held now (after pending evictions). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
