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
 * The calls of Flink's REST API the cluster tests need, as any HTTP client makes them (what the
 * web UI and {@code flink} CLI do): upload a jar, run it (from a savepoint, too), follow the job,
 * its checkpoints and the TaskManagers, and stop it with a savepoint.
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

    /** POST a JSON body; IOException for a connection failure or an answer other than 200/202. */
    public JsonObject post(String path, JsonObject body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        return parse("POST " + path, r);
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
        return runJar(jarId, args, null);
    }

    /**
     * As {@link #runJar(String, List)}, restoring the job's state from {@code savepointPath}
     * (a savepoint or retained checkpoint; null: none). Every piece of state must find its
     * operator ({@code allowNonRestoredState} false).
     */
    public String runJar(String jarId, List<String> args, String savepointPath) throws IOException, InterruptedException {
        JsonObject req = new JsonObject();
        JsonArray a = new JsonArray();
        args.forEach(a::add);
        req.add("programArgsList", a);
        if (savepointPath != null) {
            req.addProperty("savepointPath", savepointPath);
            req.addProperty("allowNonRestoredState", false);
        }
        return post("/jars/" + jarId + "/run", req).get("jobid").getAsString();
    }

    /**
     * POST /jobs/:id/stop: stop-with-savepoint into {@code targetDirectory} (canonical format, so
     * that any state backend restores it); with {@code drain} the sources first send the final
     * watermark, so every window fires and the sinks flush (end of the job for good). Waits for
     * the savepoint and returns its path.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, boolean drain, Duration timeout)
            throws IOException, InterruptedException {
        JsonObject req = new JsonObject();
        req.addProperty("targetDirectory", targetDirectory);
        req.addProperty("drain", drain);
        req.addProperty("formatType", "CANONICAL");
        String trigger = post("/jobs/" + jobId + "/stop", req).get("request-id").getAsString();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject s = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(s.getAsJsonObject("status").get("id").getAsString())) {
                JsonObject op = s.getAsJsonObject("operation");
                if (op.has("location") && !op.get("location").isJsonNull()) {
                    return op.get("location").getAsString();
                }
                throw new IOException("stop-with-savepoint of " + jobId + " failed: " + op);
            }
            Thread.sleep(500);
        }
        throw new IOException("stop-with-savepoint of " + jobId + " not done after " + timeout);
    }

    /** A job's checkpoint counts and its latest completed checkpoint. */
    public record Checkpoints(long completed, long failed, long restored, long latestId, long latestTriggerMillis) {}

    /** GET /jobs/:id/checkpoints. */
    public Checkpoints checkpoints(String jobId) throws IOException, InterruptedException {
        JsonObject o = get("/jobs/" + jobId + "/checkpoints");
        JsonObject counts = o.getAsJsonObject("counts");
        JsonObject latest = o.getAsJsonObject("latest");
        long id = -1;
        long trigger = -1;
        if (latest != null && latest.has("completed") && latest.get("completed").isJsonObject()) {
            id = latest.getAsJsonObject("completed").get("id").getAsLong();
            trigger = latest.getAsJsonObject("completed").get("trigger_timestamp").getAsLong();
        }
        return new Checkpoints(counts.get("completed").getAsLong(), counts.get("failed").getAsLong(),
                counts.get("restored").getAsLong(), id, trigger);
    }

    /** A registered TaskManager: resource id, slots and free slots. */
    public record TaskManager(String id, int slots, int freeSlots) {}

    /** GET /taskmanagers. */
    public List<TaskManager> taskManagers() throws IOException, InterruptedException {
        List<TaskManager> out = new java.util.ArrayList<>();
        for (com.google.gson.JsonElement e : get("/taskmanagers").getAsJsonArray("taskmanagers")) {
            JsonObject t = e.getAsJsonObject();
            out.add(new TaskManager(t.get("id").getAsString(), t.get("slotsNumber").getAsInt(), t.get("freeSlots").getAsInt()));
        }
        return out;
    }

    /** True when the job is RUNNING and so is every one of its tasks (a restart is over). */
    public boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        JsonObject job = get("/jobs/" + jobId);
        if (!"RUNNING".equals(job.get("state").getAsString())) {
            return false;
        }
        for (com.google.gson.JsonElement v : job.getAsJsonArray("vertices")) {
            if (!"RUNNING".equals(v.getAsJsonObject().get("status").getAsString())) {
                return false;
            }
        }
        return true;
    }

    /** GET /jobs/:id/exceptions as text, or why it is unavailable (for assertion messages). */
    public String exceptions(String jobId) {
        try {
            return get("/jobs/" + jobId + "/exceptions").toString();
        } catch (Exception e) {
            return "(unavailable: " + e + ")";
        }
    }

    /** Each operator chain of the job with the records it read and wrote ({@code name: read/written}), for diagnostics. */
    public String recordCounts(String jobId) {
        try {
            StringBuilder b = new StringBuilder();
            for (var v : get("/jobs/" + jobId).getAsJsonArray("vertices")) {
                var o = v.getAsJsonObject();
                var m = o.getAsJsonObject("metrics");
                b.append(b.length() == 0 ? "" : ", ").append(o.get("name").getAsString()).append(": ")
                        .append(m.get("read-records")).append('/').append(m.get("write-records"));
            }
            return b.toString();
        } catch (Exception e) {
            return "(unavailable: " + e + ")";
        }
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
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            throw new IOException(what + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
