package dev.keymem.jobs.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded sample of structured log records as their tools write them, written after each format's documentation:
 * a Node service logging with pino (one line per record, {@code name}, numeric {@code level}, epoch-millisecond
 * {@code time}, {@code msg}, pino-http's nested {@code req} / {@code res}); a Go service logging with zap
 * (production encoder: float-second {@code ts}, {@code caller}, {@code msg}) and an nginx access log, both through
 * Docker's json-file driver ({@code {"log": "...\n", "stream": ..., "time": ...}}, no name in the line); journald's
 * JSON export ({@code journalctl -o json}: {@code MESSAGE}, {@code SYSLOG_IDENTIFIER}, {@code _SYSTEMD_UNIT},
 * string {@code __REALTIME_TIMESTAMP} in microseconds) of sshd, systemd and the kernel; a Java service logging ECS
 * JSON (ecs-logging-java: dotted keys {@code log.level}, {@code service.name}, {@code error.stack_trace} of varying
 * length). Each record comes with the id of the event that wrote it (the ground truth of its template; the kernel's
 * OOM-killer line one event, the killed program's name a value of its {@code pr_err}: until round 5 of the log
 * formats it was one event per program, as the miner then kept {@code (java)} and {@code (node)} apart as words)
 * and the source the job should key it by.
 */
final class StructuredLogSample {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START = Instant.parse("2026-01-15T08:00:00Z").toEpochMilli();
    private static final String[] USERS = {"root", "deploy", "alice", "bob", "git", "ubuntu"};
    private static final String[] COMMS = {"java", "node", "postgres", "python3"};
    private static final String[] FRAMES = {"com.acme.billing.InvoiceService.charge(InvoiceService.java:",
        "com.acme.billing.PaymentClient.post(PaymentClient.java:", "org.apache.http.impl.client.CloseableHttpClient"
            + ".execute(CloseableHttpClient.java:", "com.acme.billing.RetryTemplate.run(RetryTemplate.java:",
        "java.base/java.lang.Thread.run(Thread.java:"};

    /** One record: the line, the source the job should give it, the event that wrote it, its time in ms. */
    record Record(String line, String source, String event, long time) {
    }

    private StructuredLogSample() {
    }

    static List<Record> records(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Record> out = new ArrayList<>(n);
        long t = START;
        for (int i = 0; i < n; i++) {
            t += 1 + r.nextInt(900);
            int kind = r.nextInt(10);
            out.add(kind < 3 ? pino(r, t) : kind < 5 ? docker(r, t) : kind < 8 ? journald(r, t) : ecs(r, t));
        }
        return out;
    }

    static List<String> lines(long seed, int n) {
        return records(seed, n).stream().map(Record::line).toList();
    }

    private static String hex(SplittableRandom r, int digits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static String ip(SplittableRandom r) {
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static Record pino(SplittableRandom r, long t) {
        ObjectNode o = JSON.createObjectNode();
        int e = r.nextInt(5);
        o.put("level", e == 2 ? 40 : e == 3 ? 50 : 30).put("time", t).put("pid", 4211)
                .put("hostname", "checkout-7d9f8b6c5-x2k4q").put("name", "checkout");
        int order = 10_000 + r.nextInt(90_000);
        switch (e) {
            case 0 -> o.put("msg", "order " + order + " paid in " + (5 + r.nextInt(400)) + "ms");
            case 1 -> o.put("msg", "cart " + hex(r, 12) + " updated: " + (1 + r.nextInt(9)) + " items");
            case 2 -> o.put("msg", "payment provider timeout after " + (1000 + r.nextInt(4000)) + "ms, retrying ("
                    + (1 + r.nextInt(3)) + "/3)");
            case 3 -> o.put("msg", "payment declined for order " + order + ": insufficient funds");
            default -> {
                o.putObject("req").put("id", r.nextInt(100_000)).put("method", "GET")
                        .put("url", "/cart/" + order).put("remoteAddress", "::ffff:" + ip(r));
                o.putObject("res").put("statusCode", r.nextInt(4) == 0 ? 404 : 200);
                o.put("responseTime", 1 + r.nextInt(200)).put("msg", "request completed");
            }
        }
        return new Record(o.toString(), "checkout", "pino-" + e, t);
    }

    private static Record docker(SplittableRandom r, long t) {
        int e = r.nextInt(5);
        String app;
        if (e < 3) {
            ObjectNode z = JSON.createObjectNode();
            z.put("level", e == 2 ? "warn" : "info").put("ts", t / 1000.0 + r.nextInt(1000) / 1e6);
            z.put("caller", e == 0 ? "server/handler.go:88" : e == 1 ? "cache/lru.go:41" : "proxy/upstream.go:120");
            switch (e) {
                case 0 -> z.put("msg", "request served").put("path", "/v1/items/" + r.nextInt(5000))
                        .put("status", 200).put("latency", r.nextInt(90_000) / 1e6);
                case 1 -> z.put("msg", "cache miss").put("key", "item:" + r.nextInt(5000));
                default -> z.put("msg", "upstream connection reset by peer").put("addr", ip(r) + ":8443")
                        .put("attempt", 1 + r.nextInt(3));
            }
            app = z.toString();
        } else {
            String method = e == 3 ? "GET" : "POST";
            app = ip(r) + " - - [15/Jan/2026:08:" + (10 + r.nextInt(50)) + ":" + (10 + r.nextInt(50)) + " +0000] \""
                    + method + " /v1/items/" + r.nextInt(5000) + " HTTP/1.1\" " + (r.nextInt(5) == 0 ? 404 : 200) + " "
                    + r.nextInt(9000) + " \"-\" \"curl/8.5.0\"";
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("log", app + "\n").put("stream", e < 3 ? "stderr" : "stdout")
                .put("time", Instant.ofEpochMilli(t).plusNanos(r.nextInt(1_000_000)).toString());
        return new Record(o.toString(), "default", "docker-" + e, t);
    }

    private static Record journald(SplittableRandom r, long t) {
        int e = r.nextInt(8);
        String id;
        String unit;
        String comm;
        String msg;
        String event = "journald-" + e;
        String user = USERS[r.nextInt(USERS.length)];
        int port = 30_000 + r.nextInt(30_000);
        switch (e) {
            case 0 -> msg = "Accepted publickey for " + user + " from " + ip(r) + " port " + port + " ssh2: ED25519 SHA256:"
                    + hex(r, 43);
            case 1 -> msg = "Connection closed by " + ip(r) + " port " + port + " [preauth]";
            case 2 -> msg = "Failed password for invalid user " + user + " from " + ip(r) + " port " + port + " ssh2";
            case 3 -> msg = "Started Session " + (1 + r.nextInt(900)) + " of User " + user + ".";
            case 4 -> msg = "session-" + (1 + r.nextInt(900)) + ".scope: Deactivated successfully.";
            case 5 -> msg = "Starting Cleanup of Temporary Directories...";
            case 6 -> msg = "EXT4-fs (sda" + (1 + r.nextInt(3)) + "): mounted filesystem with ordered data mode. Quota mode: none.";
            default -> {
                String killed = COMMS[r.nextInt(COMMS.length)];
                msg = "Out of memory: Killed process " + (1000 + r.nextInt(60_000)) + " (" + killed + ") total-vm:" + r.nextInt(9_000_000) + "kB, anon-rss:"
                    + r.nextInt(4_000_000) + "kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:" + r.nextInt(9000)
                    + "kB oom_score_adj:0";
            }
        }
        if (e < 3) {
            id = "sshd";
            unit = "ssh.service";
            comm = "sshd";
        } else if (e < 6) {
            id = "systemd";
            unit = e == 3 ? "systemd-logind.service" : "init.scope";
            comm = "systemd";
        } else {
            id = "kernel";
            unit = null;
            comm = null;
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("__CURSOR", "s=" + hex(r, 32) + ";i=" + Long.toHexString(t) + ";b=" + hex(r, 32));
        o.put("__REALTIME_TIMESTAMP", Long.toString(t * 1000 + r.nextInt(1000)));
        o.put("__MONOTONIC_TIMESTAMP", Long.toString((t - START) * 1000 + 5_000_000));
        o.put("_BOOT_ID", hex(r, 32)).put("_HOSTNAME", "web-1").put("_TRANSPORT", id.equals("kernel") ? "kernel" : "syslog");
        o.put("PRIORITY", e == 2 || e == 7 ? "3" : "6").put("SYSLOG_FACILITY", id.equals("kernel") ? "0" : "4");
        o.put("SYSLOG_IDENTIFIER", id);
        if (unit != null) {
            o.put("_SYSTEMD_UNIT", unit).put("_COMM", comm).put("_PID", Integer.toString(1 + r.nextInt(40_000)));
        }
        o.put("MESSAGE", msg);
        return new Record(o.toString(), id, event, t);
    }

    private static Record ecs(SplittableRandom r, long t) {
        int e = r.nextInt(4);
        ObjectNode o = JSON.createObjectNode();
        o.put("@timestamp", Instant.ofEpochMilli(t).toString()).put("log.level", e == 2 ? "WARN" : e == 3 ? "ERROR" : "INFO");
        String invoice = "INV-" + (100_000 + r.nextInt(900_000));
        switch (e) {
            case 0 -> o.put("message", "Invoice " + invoice + " created for customer " + (1 + r.nextInt(9999)));
            case 1 -> o.put("message", "Completed 200 OK in " + (2 + r.nextInt(300)) + "ms");
            case 2 -> o.put("message", "Retrying payment for " + invoice + " (attempt " + (1 + r.nextInt(3)) + " of 3)");
            default -> o.put("message", "Failed to charge invoice " + invoice);
        }
        o.put("ecs.version", "1.2.0").put("service.name", "billing").put("event.dataset", "billing.log")
                .put("process.thread.name", "http-nio-8080-exec-" + (1 + r.nextInt(20)))
                .put("log.logger", e == 1 ? "org.springframework.web.servlet.DispatcherServlet"
                        : "com.acme.billing.InvoiceService");
        if (e == 3) {
            StringBuilder stack = new StringBuilder("java.net.SocketTimeoutException: Read timed out");
            for (int k = 0, frames = 3 + r.nextInt(10); k < frames; k++) {
                stack.append("\n\tat ").append(FRAMES[k % FRAMES.length]).append(20 + r.nextInt(400)).append(')');
            }
            o.put("error.type", "java.net.SocketTimeoutException").put("error.message", "Read timed out")
                    .put("error.stack_trace", stack.toString());
        }
        return new Record(o.toString(), "billing", "ecs-" + e, t);
    }
}
