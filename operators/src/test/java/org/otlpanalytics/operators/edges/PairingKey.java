package org.otlpanalytics.operators.edges;

/**
 * The call both halves of a client/server pair share: the trace and the pairing span id (the
 * client span's id), as a key object: the tests' {@code HashMap} oracles key by it where
 * {@link EdgeStore} and {@link LocalPairingBuffer} find a call in a {@link PairingTable} (which
 * the main code used to key this way).
 */
final class PairingKey {
    final long traceIdHi;
    final long traceIdLo;
    final long spanId;

    PairingKey(long traceIdHi, long traceIdLo, long spanId) {
        this.traceIdHi = traceIdHi;
        this.traceIdLo = traceIdLo;
        this.spanId = spanId;
    }

    /** The key of {@code half}'s call. */
    static PairingKey of(PendingSpan half) {
        return new PairingKey(half.traceIdHi(), half.traceIdLo(), half.pairingSpanId());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PairingKey)) {
            return false;
        }
        PairingKey k = (PairingKey) o;
        return spanId == k.spanId && traceIdLo == k.traceIdLo && traceIdHi == k.traceIdHi;
    }

    @Override
    public int hashCode() {
        long h = traceIdLo * 0x9E3779B97F4A7C15L ^ traceIdHi ^ spanId * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32));
    }
}
