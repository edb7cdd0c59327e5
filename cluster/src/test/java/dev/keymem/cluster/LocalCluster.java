package dev.keymem.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The standalone cluster of {@code cluster/start.sh}, driven from a test: starts it (JobManager and
 * TaskManager JVMs on 127.0.0.1), submits the job jar through the REST API, watches jobs, kills
 * TaskManagers, stops jobs with savepoints, and stops everything at the end.
 */
final class LocalCluster implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path scripts;
    private final Path dir;
    private final Map<String, String> env;
    private final String rest;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String jarId;

    LocalCluster(Path scripts, Path dir, Path lib, Path jobJar, int slots, String checkpointInterval) {
        this.scripts = scripts;
        this.dir = dir;
        int restPort = freePort();
        this.rest = "http://127.0.0.1:" + restPort;
        this.env = Map.of("KEYMEM_CLUSTER_DIR", dir.toString(), "KEYMEM_CLUSTER_LIB", lib.toString(),
                "KEYMEM_JOB_JAR", jobJar.toString(), "KEYMEM_REST_PORT", String.valueOf(restPort),
                "KEYMEM_RPC_PORT", String.valueOf(freePort()), "KEYMEM_SLOTS", String.valueOf(slots),
                "KEYMEM_TM_MEMORY", "1400m", "KEYMEM_CHECKPOINT_INTERVAL", checkpointInterval);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * Runs {@code cluster/start.sh} (JobManager + one TaskManager). A shutdown hook kills whatever of the
     * cluster is left should the test JVM end without {@link #close()} (a surefire timeout, Ctrl-C).
     */
    void start() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "keymem-cluster-cleanup"));
        script("start.sh");
    }

    private void killAll() {
        try {
            for (Path pid : pidFiles("")) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | RuntimeException e) {
            // best effort, at JVM exit
        }
    }

    /** Runs {@code cluster/start.sh taskmanager}. */
    void startTaskManager() {
        script("start.sh", "taskmanager");
    }

    /** Kills the running TaskManagers' JVMs at once (SIGKILL) and returns how many. */
    int killTaskManagers() throws IOException {
        int n = 0;
        for (Path pid : pidFiles("taskmanager-")) {
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()));
            if (h.isPresent() && h.get().isAlive()) {
                h.get().destroyForcibly();
                h.get().onExit().join();
                n++;
            }
        }
        return n;
    }

    private List<Path> pidFiles(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".pid"))
                    .toList();
        }
    }

    private void script(String name, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", scripts.resolve(name).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KEYMEM_")); // e.g. a KEYMEM_REBUILD of the shell
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            System.out.print(out);
            if (rc != 0) {
                throw new IllegalStateException(name + " " + String.join(" ", args) + " failed (exit " + rc + "):\n" + out
                        + logs());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The tails of the cluster's log files, for failure messages. */
    String logs() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(dir.resolve("log"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                b.append("\n--- ").append(f.getFileName()).append(" (last lines) ---\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        } catch (IOException e) {
            b.append("(no logs: ").append(e).append(")");
        }
        return b.toString();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rest + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** POSTs {@code body} as JSON; returns (status, parsed body). */
    Response post(String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rest + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), JSON.readTree(r.body()));
    }

    record Response(int status, JsonNode body) {
    }

    /** Uploads the job jar once (POST /jars/upload) and returns its id. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        if (jarId != null) {
            return jarId;
        }
        String boundary = "keymem" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode j = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(j.path("status").asText())) {
            throw new IllegalStateException("jar upload failed: HTTP " + r.statusCode() + " " + r.body());
        }
        String file = j.get("filename").asText();
        jarId = file.substring(file.lastIndexOf('/') + 1);
        return jarId;
    }

    /** POST /jars/:id/run; the response as is (the job id on success, errors otherwise). */
    Response run(Path jar, List<String> args, int parallelism, String savepoint) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", "dev.keymem.cluster.KeymemJob");
        var list = body.putArray("programArgsList");
        args.forEach(list::add);
        body.put("parallelism", parallelism);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
        }
        return post("/jars/" + uploadJar(jar) + "/run", body);
    }

    /** Submits and returns the job id, failing with the REST errors otherwise. */
    String submit(Path jar, List<String> args, int parallelism, String savepoint) throws IOException, InterruptedException {
        Response r = run(jar, args, parallelism, savepoint);
        if (r.status() != 200 || !r.body().has("jobid")) {
            throw new IllegalStateException("submission of " + args + " failed: HTTP " + r.status() + " " + r.body());
        }
        return r.body().get("jobid").asText();
    }

    String state(String job) throws IOException, InterruptedException {
        return get("/jobs/" + job).get("state").asText();
    }

    long completedCheckpoints(String job) throws IOException, InterruptedException {
        return get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** The job's exception history (one entry per failure that restarted or failed it). */
    JsonNode exceptions(String job) throws IOException, InterruptedException {
        return get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries");
    }

    /** Waits for {@code job} to reach {@code FINISHED}; fails at once on FAILED or CANCELED. */
    void awaitFinished(String job, Duration timeout) throws Exception {
        awaitTrue("job " + job + " FINISHED", timeout, () -> {
            String s = uncheckedState(job);
            if (s.equals("FAILED") || s.equals("CANCELED")) {
                throw new IllegalStateException("job " + job + " is " + s + ": " + uncheckedExceptions(job) + logs());
            }
            return s.equals("FINISHED");
        });
    }

    /**
     * Stops {@code job} with a savepoint (POST /jobs/:id/stop; {@code drain}: end of input first) and returns the savepoint's path
     * once the job has finished.
     */
    String stopWithSavepoint(String job, boolean drain, Duration timeout) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("drain", drain);
        body.put("targetDirectory", dir.resolve("savepoints").toUri().toString());
        Response r = post("/jobs/" + job + "/stop", body);
        if (r.status() != 202 && r.status() != 200) {
            throw new IllegalStateException("stop of " + job + " refused: HTTP " + r.status() + " " + r.body());
        }
        String trigger = r.body().get("request-id").asText();
        String[] location = new String[1];
        awaitTrue("savepoint of " + job, timeout, () -> {
            JsonNode s = uncheckedGet("/jobs/" + job + "/savepoints/" + trigger);
            if (!"COMPLETED".equals(s.path("status").path("id").asText())) {
                return false;
            }
            JsonNode op = s.path("operation");
            if (op.has("failure-cause")) {
                throw new IllegalStateException("savepoint of " + job + " failed: " + op.get("failure-cause"));
            }
            location[0] = op.get("location").asText();
            return true;
        });
        awaitFinished(job, timeout);
        return location[0];
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    private JsonNode uncheckedGet(String path) {
        try {
            return get(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String uncheckedState(String job) {
        return uncheckedGet("/jobs/" + job).get("state").asText();
    }

    long uncheckedCheckpoints(String job) {
        return uncheckedGet("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
    }

    private String uncheckedExceptions(String job) {
        return uncheckedGet("/jobs/" + job + "/exceptions").toString();
    }

    /** Runs {@code cluster/stop.sh}, then kills whatever of the cluster is still alive. */
    @Override
    public void close() throws IOException {
        try {
            script("stop.sh");
        } finally {
            killAll();
        }
    }
}
