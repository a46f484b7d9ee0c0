package org.otlpanalytics.jobs.sink.clickhouse;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * An HTTP request body that hands the client slices of a byte array itself, not a copy.
 *
 * <p>Why: the JDK's {@code BodyPublishers.ofByteArray} copies the whole body into 16 KB buffers when
 * the request starts, so every insert of a 16 MiB ClickHouse batch allocated 16 MiB more and held
 * both until ClickHouse answered. In a heap dump of a loaded soak's TaskManager those copies were
 * 32 MB of the live heap (2,048 buffers, two inserts in flight), beside the batches themselves. The array must not
 * change until the request is answered: {@link ClickHouseHttp#insert} sends synchronously, and a
 * writer refills its batch only after that.
 */
final class ByteArrayBody implements HttpRequest.BodyPublisher {
    /** Bytes per buffer handed to the client. */
    static final int SLICE_BYTES = 64 * 1024;

    private final byte[] bytes;
    private final int off;
    private final int len;

    ByteArrayBody(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        this.bytes = bytes;
        this.off = off;
        this.len = len;
    }

    @Override
    public long contentLength() {
        return len;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Slices(subscriber));
    }

    /** Emits the slices in order as they are requested; a request made from {@code onNext} is served by the loop already running. */
    private final class Slices implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final int end = off + len;
        private int next = off;
        private long demand;
        private boolean emitting;
        private boolean finished;

        Slices(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                refuse(n);
                return;
            }
            synchronized (this) {
                if (finished) {
                    return;
                }
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                if (emitting) {
                    return;
                }
                emitting = true;
            }
            while (true) {
                ByteBuffer slice;
                synchronized (this) {
                    if (finished) {
                        emitting = false;
                        return;
                    }
                    if (next == end) {
                        finished = true;
                        emitting = false;
                        slice = null;
                    } else if (demand == 0) {
                        emitting = false;
                        return;
                    } else {
                        int size = Math.min(SLICE_BYTES, end - next);
                        slice = ByteBuffer.wrap(bytes, next, size).slice();
                        next += size;
                        demand--;
                    }
                }
                if (slice == null) {
                    subscriber.onComplete();
                    return;
                }
                subscriber.onNext(slice);
            }
        }

        /** A non-positive request ends the subscription with an error (reactive streams rule 3.9), once. */
        private void refuse(long n) {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
        }

        @Override
        public synchronized void cancel() {
            finished = true;
        }
    }
}
