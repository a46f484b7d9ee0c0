package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ByteArrayBodyTest {
    /** Collects what a body publishes, asking for {@code perRequest} buffers at a time from inside onNext. */
    static final class Collector implements Flow.Subscriber<ByteBuffer> {
        final long perRequest;
        final long stopAfter;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> sizes = new ArrayList<>();
        int completions;
        Throwable error;
        Flow.Subscription subscription;

        Collector(long perRequest, long stopAfter) {
            this.perRequest = perRequest;
            this.stopAfter = stopAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(perRequest);
        }

        @Override
        public void onNext(ByteBuffer b) {
            sizes.add(b.remaining());
            byte[] a = new byte[b.remaining()];
            b.get(a);
            bytes.writeBytes(a);
            if (sizes.size() == stopAfter) {
                subscription.cancel();
            } else if (perRequest == 1) {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
            completions++;
        }
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    @Test
    void publishesTheRangeInSlicesInOrderOneRequestAtATime() {
        byte[] all = random(200_010);
        ByteArrayBody body = new ByteArrayBody(all, 7, 200_000);
        Collector c = new Collector(1, -1);
        body.subscribe(c);
        assertThat(body.contentLength()).isEqualTo(200_000);
        assertThat(c.bytes.toByteArray()).isEqualTo(Arrays.copyOfRange(all, 7, 200_007));
        assertThat(c.sizes).containsExactly(65_536, 65_536, 65_536, 3_392);
        assertThat(c.completions).isEqualTo(1);
        assertThat(c.error).isNull();
    }

    @Test
    void publishesEverythingForOneUnboundedRequestAndCompletesOnce() {
        byte[] all = random(131_072);
        Collector c = new Collector(Long.MAX_VALUE, -1);
        new ByteArrayBody(all, 0, all.length).subscribe(c);
        assertThat(c.bytes.toByteArray()).isEqualTo(all);
        assertThat(c.sizes).containsExactly(65_536, 65_536);
        assertThat(c.completions).isEqualTo(1);
    }

    @Test
    void anEmptyBodyCompletesWithoutBuffers() {
        Collector c = new Collector(1, -1);
        new ByteArrayBody(new byte[10], 10, 0).subscribe(c);
        assertThat(c.sizes).isEmpty();
        assertThat(c.completions).isEqualTo(1);
    }

    @Test
    void stopsAtCancelAndRefusesANonPositiveRequest() {
        Collector c = new Collector(1, 1);
        new ByteArrayBody(random(200_000), 0, 200_000).subscribe(c);
        assertThat(c.sizes).containsExactly(65_536);
        assertThat(c.completions).isZero();

        Collector bad = new Collector(0, -1);
        new ByteArrayBody(random(10), 0, 10).subscribe(bad);
        assertThat(bad.error).isInstanceOf(IllegalArgumentException.class);
        assertThat(bad.sizes).isEmpty();
    }

    @Test
    void theJdkClientSendsTheBytesToARealServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<byte[]> received = new AtomicReference<>();
        AtomicReference<String> length = new AtomicReference<>();
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.set(in.readAllBytes());
            }
            length.set(exchange.getRequestHeaders().getFirst("Content-Length"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            byte[] all = random(1_000_003);
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                            .POST(new ByteArrayBody(all, 3, 1_000_000)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(length.get()).isEqualTo("1000000");
            assertThat(received.get()).isEqualTo(Arrays.copyOfRange(all, 3, 1_000_003));
        } finally {
            server.stop(0);
        }
    }
}
