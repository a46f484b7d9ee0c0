package org.otlpanalytics.tests.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The few calls of Flink's REST API a submission needs, as any HTTP client makes them (what the
 * web UI's "Submit New Job" page does): upload a jar, run it, follow the job.
 */
public final class FlinkRestClient {
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** GET a JSON object; IOException for a connection failure or a non-200 answer. */
    public JsonObject get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return parse("GET " + path, r);
    }

    /** POST /jars/upload as multipart/form-data (field "jarfile"); returns the jar id for /jars/:jarid/run. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----otlp" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject o = parse("POST /jars/upload", r);
        if (!"success".equals(o.get("status").getAsString())) {
            throw new IOException("POST /jars/upload: " + r.body());
        }
        // "filename" is the stored path; its last segment is the jar id
        String stored = o.get("filename").getAsString();
        return stored.substring(stored.lastIndexOf('/') + 1);
    }

    /**
     * POST /jars/:jarid/run with the manifest's Main-Class: runs {@code main(args)} in the
     * JobManager, which submits the job; returns the job id. A failing {@code main} (bad
     * option, unreachable database) comes back as an IOException carrying the server's stack trace.
     */
    public String runJar(String jarId, List<String> args) throws IOException, InterruptedException {
        JsonObject req = new JsonObject();
        JsonArray a = new JsonArray();
        args.forEach(a::add);
        req.add("programArgsList", a);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/jars/" + jarId + "/run"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(req.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        return parse("POST /jars/" + jarId + "/run", r).get("jobid").getAsString();
    }

    /** The job's state (CREATED, RUNNING, FINISHED, FAILED, ...). */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).get("state").getAsString();
    }

    /** Waits until the job reaches a globally terminal state and returns it. */
    public String awaitTerminal(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = jobState(jobId);
        while (!List.of("FINISHED", "FAILED", "CANCELED").contains(state) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            state = jobState(jobId);
        }
        return state;
    }

    private static JsonObject parse(String what, HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 200) {
            throw new IOException(what + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
