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
 * sender) passes through, so such a stream evicts little.
 *
 * <p>A cache that rarely hits costs more than it saves: a lookup hashes and compares the whole body, a
 * miss stores it (and the entries it displaces become old-generation garbage). So the cache counts its
 * hits per {@value #WINDOW} lookups: below one in {@value #LEAVE_BELOW_ONE_IN}, only every
 * {@value #SAMPLE_EVERY}th body is looked up and stored, the others masked at once; the sampled lookups
 * go on counting, and at one hit in {@value #RETURN_FROM_ONE_IN} or more every body is looked up again.
 * Which bodies are looked up changes only the cost: a body's tokens are the same either way.
 *
 * <p>Every caller gets its own copy of the tokens. Safe to share between threads as to the tokens; the
 * hit counting assumes the one thread of a task (a race there would only move a verdict).
 */
final class MaskedBodyCache {
    /** Longer bodies are not cached: they rarely repeat exactly and would make the bound a matter of size. */
    static final int MAX_BODY_CHARS = 256;
    /**
     * Bodies masked into more tokens are not stored: each token is a string of its own, so this bounds
     * an entry at about 3 KB (a 256-character body of one-character words would otherwise hold 128).
     */
    static final int MAX_TOKENS = 32;

    /** Lookups per hit-rate verdict. */
    static final int WINDOW = 4096;
    /** Fewer hits than one in this many lookups of a window: sample. */
    static final int LEAVE_BELOW_ONE_IN = 4;
    /** At least one hit in this many sampled lookups of a window: look every body up again. */
    static final int RETURN_FROM_ONE_IN = 3;
    /** While sampling, one body in this many is looked up (and stored on a miss). */
    static final int SAMPLE_EVERY = 16;

    private final Cache<String, String[]> cache;
    // the task's thread only in practice; a race would only move a verdict, never change tokens
    private int lookups;
    private int hits;
    private boolean sampling;
    private int skipped;

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
        if (sampling && ++skipped < SAMPLE_EVERY) {
            return masking.apply(body);
        }
        skipped = 0;
        String[] tokens = cache.getIfPresent(body);
        count(tokens != null);
        if (tokens == null) {
            tokens = masking.apply(body);
            if (tokens.length > MAX_TOKENS) {
                return tokens;
            }
            cache.put(body, tokens);
        }
        return tokens.clone();
    }

    private void count(boolean hit) {
        if (hit) {
            hits++;
        }
        if (++lookups < WINDOW) {
            return;
        }
        sampling = sampling ? hits * RETURN_FROM_ONE_IN < WINDOW : hits * LEAVE_BELOW_ONE_IN < WINDOW;
        lookups = 0;
        hits = 0;
    }

    /** Whether only every {@value #SAMPLE_EVERY}th body is looked up now (the last window's hits were too few). */
    boolean sampling() {
        return sampling;
    }

    /** Bodies held now (after pending evictions). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
