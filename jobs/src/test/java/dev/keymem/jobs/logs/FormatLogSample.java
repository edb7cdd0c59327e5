package dev.keymem.jobs.logs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded samples of plain-text log formats as their tools write them, written after each format's documentation,
 * one file's lines per format, each line with the id of the event that wrote it (the ground truth of its template):
 * Kubernetes CRI container logs ({@code <RFC3339Nano> stdout|stderr F|P <msg>}, a long message cut into {@code P}
 * pieces ended by an {@code F} one: the first piece one event, the others another, as the job mines lines, not
 * joined records); klog
 * ({@code I0501 10:00:00.123456   12345 file.go:123] msg}); Apache/nginx combined access log (the event of a request
 * line its method, the status a value, as loghub's OpenStack ground truth and {@link StructuredLogSample} have it);
 * a second, independent
 * access log in other shapes (nginx's default {@code combined} format with IPv6 clients, query strings, HTTP/1.0 to
 * HTTP/2.0, PUT/DELETE/OPTIONS, 499/5xx, an empty request {@code "-"} and TLS bytes on the plain port, escaped
 * quotes in a user agent); syslog RFC 5424
 * with structured data and RFC 3164 with a priority; Python logging ({@code basicConfig}'s default
 * {@code LEVEL:name:message}, and the common {@code asctime - name - level - message}); a Java service's logback
 * pattern with multi-line stack traces after ERROR lines (every {@code at} frame one event per code location, {@code Caused by} one
 * per exception type, {@code ... N more} one); logrus text ({@code time="..." level=info msg="..." k=v});
 * PostgreSQL ({@code log_line_prefix '%m [%p] '}) and MySQL 8 error logs; Windows event dumps as {@code wevtutil
 * qe /f:text} prints them (one {@code key: value} a line; each key one event, the description one per event id);
 * CSV rows of an exported log table.
 */
final class FormatLogSample {
    private static final String[] USERS = {"root", "deploy", "alice", "bob", "git", "ubuntu"};
    private static final String[] PODS = {"checkout-7d9f8b6c5-x2k4q", "cart-5c8d7f9b4-qq7lm", "web-6b7c9d8f5-zz2pk"};
    private static final String[] PATHS = {"/", "/index.html", "/api/v1/items", "/api/v1/cart", "/static/app.js",
        "/login", "/favicon.ico"};
    private static final String[] AGENTS = {"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "curl/8.5.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "kube-probe/1.29", "Go-http-client/1.1"};
    private static final String[] FRAMES = {"com.acme.billing.InvoiceService.charge(InvoiceService.java:",
        "com.acme.billing.PaymentClient.post(PaymentClient.java:", "org.apache.http.impl.client.CloseableHttpClient"
            + ".execute(CloseableHttpClient.java:", "com.acme.billing.RetryTemplate.run(RetryTemplate.java:",
        "java.base/java.lang.Thread.run(Thread.java:"};

    /** One line and the event that wrote it. */
    record Line(String text, String event) {
    }

    /** The format names, in the order {@link #all} gives them. */
    static final List<String> FORMATS = List.of("cri", "klog", "access", "nginx", "syslog5424", "syslog3164",
            "python", "python-asctime", "logback", "logrus", "postgres", "mysql", "winevent", "csv");

    private FormatLogSample() {
    }

    /** About {@code n} lines of each format (multi-line records may add a few). */
    static Map<String, List<Line>> all(long seed, int n) {
        Map<String, List<Line>> out = new LinkedHashMap<>();
        for (String f : FORMATS) {
            out.put(f, of(f, seed, n));
        }
        return out;
    }

    static List<Line> of(String format, long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed ^ format.hashCode());
        List<Line> out = new ArrayList<>(n + 64);
        Clock c = new Clock();
        while (out.size() < n) {
            c.tick(r);
            switch (format) {
                case "cri" -> cri(r, c, out);
                case "klog" -> out.add(klog(r, c));
                case "access" -> out.add(access(r, c));
                case "nginx" -> out.add(nginx(r, c));
                case "syslog5424" -> out.add(syslog5424(r, c));
                case "syslog3164" -> out.add(syslog3164(r, c));
                case "python" -> out.add(python(r, c, false));
                case "python-asctime" -> out.add(python(r, c, true));
                case "logback" -> logback(r, c, out);
                case "logrus" -> out.add(logrus(r, c));
                case "postgres" -> out.add(postgres(r, c));
                case "mysql" -> out.add(mysql(r, c));
                case "winevent" -> winevent(r, c, out);
                case "csv" -> out.add(csv(r, c));
                default -> throw new IllegalArgumentException(format);
            }
        }
        return out;
    }

    /** Time of day from 2024-05-01 10:00, in microseconds. */
    private static final class Clock {
        long micros = 10L * 3600 * 1_000_000;

        void tick(SplittableRandom r) {
            micros += 1 + r.nextInt(900_000);
        }

        String hms() {
            long s = micros / 1_000_000;
            return String.format("%02d:%02d:%02d", s / 3600 % 24, s / 60 % 60, s % 60);
        }

        String frac(int digits) {
            String us = String.format("%06d", micros % 1_000_000);
            return digits <= 6 ? us.substring(0, digits) : us + "0".repeat(digits - 6);
        }

        String iso(int digits) {
            return "2024-05-01T" + hms() + "." + frac(digits) + "Z";
        }
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

    private static String user(SplittableRandom r) {
        return USERS[r.nextInt(USERS.length)];
    }

    private static void cri(SplittableRandom r, Clock c, List<Line> out) {
        String stream = r.nextInt(4) == 0 ? "stderr" : "stdout";
        int e = r.nextInt(6);
        String msg = switch (e) {
            case 0 -> "GET /api/v1/items/" + r.nextInt(5000) + " 200 " + r.nextInt(90) + "ms";
            case 1 -> "connected to redis at " + ip(r) + ":6379 (db " + r.nextInt(16) + ")";
            case 2 -> "worker " + r.nextInt(8) + " picked job " + hex(r, 16) + " from queue emails";
            case 3 -> "WARN slow query took " + (500 + r.nextInt(5000)) + "ms: SELECT * FROM orders WHERE id = "
                    + r.nextInt(100_000);
            case 4 -> "health check ok";
            default -> null;
        };
        if (msg != null) {
            out.add(new Line(c.iso(9) + " " + stream + " F " + msg, "cri-" + e));
            return;
        }
        // a line longer than the runtime's buffer (16 KiB in containerd; shorter here): P pieces, then F
        StringBuilder payload = new StringBuilder("{\"batch\":" + r.nextInt(1000) + ",\"ids\":[");
        for (int k = 0, m = 40 + r.nextInt(40); k < m; k++) {
            payload.append(k == 0 ? "" : ",").append(r.nextInt(1_000_000));
        }
        payload.append("]}");
        String whole = "flushing batch payload=" + payload;
        int cut = 120;
        int piece = 0;
        for (int from = 0; from < whole.length(); from += cut, piece++) {
            boolean last = from + cut >= whole.length();
            String part = whole.substring(from, Math.min(whole.length(), from + cut));
            out.add(new Line(c.iso(9) + " " + stream + (last ? " F " : " P ") + part,
                    "cri-5-" + (piece == 0 ? "first" : "rest")));
            c.tick(r);
        }
    }

    private static Line klog(SplittableRandom r, Clock c) {
        int e = r.nextInt(7);
        String pod = PODS[r.nextInt(PODS.length)];
        String[] w = switch (e) {
            case 0 -> new String[] {"I", "kubelet.go:2337", "\"SyncLoop (PLEG): event for pod\" pod=\"default/" + pod
                    + "\" event={\"ID\":\"" + hex(r, 8) + "\",\"Type\":\"ContainerStarted\"}"};
            case 1 -> new String[] {"I", "reconciler_common.go:258", "\"operationExecutor.VerifyControllerAttachedVolume"
                    + " started for volume \\\"kube-api-access-" + hex(r, 5) + "\\\"\" pod=\"default/" + pod + "\""};
            case 2 -> new String[] {"E", "pod_workers.go:1298", "\"Error syncing pod, skipping\" err=\"failed to "
                    + "\\\"StartContainer\\\" with CrashLoopBackOff: \\\"back-off " + (10 << r.nextInt(5))
                    + "s restarting failed container\\\"\" pod=\"default/" + pod + "\""};
            case 3 -> new String[] {"W", "reflector.go:539", "k8s.io/client-go/informers/factory.go:" + (100 + r.nextInt(60))
                    + ": failed to list *v1.Service: Get \"https://10.96.0.1:443/api/v1/services?limit=500\": dial tcp"
                    + " 10.96.0.1:443: connect: connection refused"};
            case 4 -> new String[] {"I", "kuberuntime_manager.go:1030", "\"Creating PodSandbox for pod\" pod=\"default/"
                    + pod + "\""};
            case 5 -> new String[] {"I", "eviction_manager.go:366", "\"Eviction manager: attempting to reclaim\" "
                    + "resourceName=\"ephemeral-storage\""};
            default -> new String[] {"I", "server.go:" + (400 + r.nextInt(3)), "\"Started kubelet\""};
        };
        return new Line(w[0] + "0501 " + c.hms() + "." + c.frac(6) + "    " + (1000 + r.nextInt(3)) + " " + w[1] + "] "
                + w[2], "klog-" + e);
    }

    private static Line access(SplittableRandom r, Clock c) {
        int e = r.nextInt(4);
        String method = e == 1 ? "POST" : e == 2 ? "HEAD" : "GET";
        String path = PATHS[r.nextInt(PATHS.length)] + (r.nextBoolean() ? "" : "?page=" + r.nextInt(40));
        int status = e == 3 ? 404 : 200 + (r.nextInt(5) == 0 ? 104 : 0);
        String ref = r.nextBoolean() ? "-" : "https://shop.example.com" + PATHS[r.nextInt(PATHS.length)];
        return new Line(ip(r) + " - " + (r.nextInt(5) == 0 ? user(r) : "-") + " [01/May/2024:" + c.hms() + " +0000] \""
                + method + " " + path + " HTTP/1.1\" " + status + " " + r.nextInt(50_000) + " \"" + ref + "\" \""
                + AGENTS[r.nextInt(AGENTS.length)] + "\"", "access-" + method);
    }

    private static final String[] NGINX_CLIENTS = {"2001:db8:85a3::8a2e:370:7334", "::1", "fe80::1ff:fe23:4567:890a",
        "203.0.113.", "198.51.100.", "192.0.2."};
    private static final String[] NGINX_GETS = {"/search?q=red+shoes&page=", "/products/", "/assets/main.3f2a1b.css",
        "/robots.txt", "/wp-login.php", "/api/v2/orders?status=open&limit=", "/", "/healthz", "/img/logo%20big.png"};
    private static final String[] NGINX_AGENTS = {"-", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
        + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "python-requests/2.31.0",
        "Wget/1.21.4", "Prometheus/2.51.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "my \\x22quoted\\x22 agent/1.0"};

    /**
     * nginx's default {@code combined} format, in shapes {@link #access} does not write (see the class doc); the
     * event: the method, or the kind of request that is none.
     */
    private static Line nginx(SplittableRandom r, Clock c) {
        String client = NGINX_CLIENTS[r.nextInt(NGINX_CLIENTS.length)];
        if (client.endsWith(".")) {
            client += 1 + r.nextInt(254);
        }
        String user = r.nextInt(8) == 0 ? USERS[r.nextInt(USERS.length)] : "-";
        String time = "[06/Dec/2026:" + c.hms() + " +0100]";
        String proto = new String[] {"HTTP/1.1", "HTTP/2.0", "HTTP/1.0"}[r.nextInt(3)];
        int k = r.nextInt(20);
        String method;
        String request;
        int status;
        if (k == 0) { // a connection closed before a request: nginx writes "-" and 400
            method = "none";
            request = "-";
            status = 400;
        } else if (k == 1) { // a TLS client hello on the plain port, nginx escapes its bytes
            method = "bytes";
            StringBuilder b = new StringBuilder("\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01");
            for (int i = 0, m = 4 + r.nextInt(8); i < m; i++) {
                b.append("\\x").append(hex(r, 2).toUpperCase(java.util.Locale.ROOT));
            }
            request = b.toString();
            status = 400;
        } else {
            int m = r.nextInt(10);
            method = m < 6 ? "GET" : m < 8 ? "POST" : m == 8 ? (r.nextBoolean() ? "PUT" : "DELETE") : "OPTIONS";
            String path = switch (method) {
                case "GET" -> {
                    String p = NGINX_GETS[r.nextInt(NGINX_GETS.length)];
                    yield p.endsWith("=") || p.endsWith("/") && p.length() > 1 ? p + r.nextInt(500) : p;
                }
                case "POST" -> r.nextBoolean() ? "/api/v2/orders" : "/login?next=%2Faccount";
                case "OPTIONS" -> "*";
                default -> "/api/v2/orders/" + r.nextInt(100_000);
            };
            request = method + " " + path + " " + proto;
            int family = r.nextInt(10);
            status = family < 7 ? new int[] {200, 200, 201, 204, 301, 304}[r.nextInt(6)]
                    : family < 9 ? new int[] {400, 401, 403, 404, 499}[r.nextInt(5)] : new int[] {500, 502, 504}[r.nextInt(3)];
        }
        String ref = r.nextInt(3) == 0 ? "-" : "https://www.example.org" + NGINX_GETS[r.nextInt(NGINX_GETS.length)]
                + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(90)));
        String bytes = status == 204 || status == 304 ? "0" : Integer.toString(r.nextInt(200_000));
        return new Line(client + " - " + user + " " + time + " \"" + request + "\" " + status + " " + bytes + " \""
                + ref + "\" \"" + NGINX_AGENTS[r.nextInt(NGINX_AGENTS.length)] + "\"", "nginx-" + method);
    }

    private static Line syslog5424(SplittableRandom r, Clock c) {
        int e = r.nextInt(5);
        String host = "host" + r.nextInt(4) + ".example.com";
        String sd = "[exampleSDID@32473 iut=\"" + r.nextInt(9) + "\" eventSource=\"Application\" eventID=\""
                + (1000 + r.nextInt(30)) + "\"]";
        String[] w = switch (e) {
            case 0 -> new String[] {"<165>", "evntslog", "ID47", sd, "An application event log entry " + r.nextInt(100)};
            case 1 -> new String[] {"<86>", "sshd", "-", "-", "Accepted password for " + user(r) + " from " + ip(r)
                    + " port " + (30_000 + r.nextInt(30_000)) + " ssh2"};
            case 2 -> new String[] {"<14>", "app", "AUDIT", "[origin ip=\"" + ip(r) + "\"][meta sequenceId=\""
                    + r.nextInt(100_000) + "\"]", "user " + user(r) + " changed role to admin"};
            case 3 -> new String[] {"<11>", "app", "ERR", "-", "database connection lost after " + r.nextInt(600) + "s"};
            default -> new String[] {"<30>", "systemd", "-", "-", "Started Session " + r.nextInt(900) + " of User "
                    + user(r) + "."};
        };
        return new Line(w[0] + "1 " + c.iso(3) + " " + host + " " + w[1] + " " + (1000 + r.nextInt(9000)) + " " + w[2]
                + " " + w[3] + " " + w[4], "5424-" + e);
    }

    private static Line syslog3164(SplittableRandom r, Clock c) {
        int e = r.nextInt(5);
        String head = "<" + (e == 2 ? 34 : 38) + ">May  1 " + c.hms() + " mymachine ";
        String pid = "[" + (1000 + r.nextInt(30_000)) + "]";
        String msg = switch (e) {
            case 0 -> "sshd" + pid + ": Failed password for " + user(r) + " from " + ip(r) + " port "
                    + (30_000 + r.nextInt(30_000)) + " ssh2";
            case 1 -> "CRON" + pid + ": (" + user(r) + ") CMD (/usr/local/bin/backup.sh --full)";
            case 2 -> "su" + pid + ": 'su root' failed for " + user(r) + " on /dev/pts/" + r.nextInt(9);
            case 3 -> "kernel: [" + r.nextInt(90_000) + "." + String.format("%06d", r.nextInt(1_000_000))
                    + "] UFW BLOCK IN=eth0 OUT= SRC=" + ip(r) + " DST=10.0.0.5 PROTO=TCP DPT=" + r.nextInt(65536);
            default -> "dhclient" + pid + ": DHCPACK of " + ip(r) + " from 10.0.0.1";
        };
        return new Line(head + msg, "3164-" + e);
    }

    private static Line python(SplittableRandom r, Clock c, boolean asctime) {
        int e = r.nextInt(6);
        String msg;
        String level;
        String name;
        switch (e) {
            case 0 -> { level = "INFO"; name = "app.worker"; msg = "Processed task " + hex(r, 8) + " in "
                    + r.nextInt(900) / 100.0 + "s"; }
            case 1 -> { level = "WARNING"; name = "urllib3.connectionpool"; msg = "Retrying (Retry(total="
                    + r.nextInt(3) + ", connect=None, read=None, redirect=None, status=None)) after connection broken by"
                    + " 'ReadTimeoutError(\"HTTPSConnectionPool(host='api.example.com', port=443): Read timed out.\")':"
                    + " /v1/orders/" + r.nextInt(10_000); }
            case 2 -> { level = "ERROR"; name = "app.db"; msg = "Could not connect to database at " + ip(r)
                    + ":5432, attempt " + (1 + r.nextInt(5)); }
            case 3 -> { level = "DEBUG"; name = "app.cache"; msg = "cache hit for key user:" + r.nextInt(10_000); }
            case 4 -> { level = "INFO"; name = "werkzeug"; msg = ip(r) + " - - [01/May/2024 " + c.hms() + "] \"GET "
                    + PATHS[r.nextInt(PATHS.length)] + " HTTP/1.1\" 200 -"; }
            default -> { level = "INFO"; name = "root"; msg = "Loaded " + r.nextInt(500) + " records from "
                    + "/data/input-" + r.nextInt(30) + ".csv"; }
        }
        // basicConfig()'s default format, or the asctime one most tutorials configure
        String text = !asctime ? level + ":" + name + ":" + msg
                : "2024-05-01 " + c.hms() + "," + c.frac(3) + " - " + name + " - " + level + " - " + msg;
        return new Line(text, "python-" + e);
    }

    private static void logback(SplittableRandom r, Clock c, List<Line> out) {
        int e = r.nextInt(6);
        String thread = "http-nio-8080-exec-" + (1 + r.nextInt(20));
        String invoice = "INV-" + (100_000 + r.nextInt(900_000));
        String[] w = switch (e) {
            case 0 -> new String[] {"INFO ", "c.a.billing.InvoiceService", "Invoice " + invoice + " created for customer "
                    + r.nextInt(9999)};
            case 1 -> new String[] {"INFO ", "o.s.web.servlet.DispatcherServlet", "Completed 200 OK in " + r.nextInt(300)
                    + "ms"};
            case 2 -> new String[] {"WARN ", "c.a.billing.RetryTemplate", "Retrying payment for " + invoice + " (attempt "
                    + (1 + r.nextInt(3)) + " of 3)"};
            case 3 -> new String[] {"DEBUG", "o.h.SQL", "select i1_0.id,i1_0.amount from invoice i1_0 where i1_0.id=?"};
            default -> new String[] {"ERROR", "c.a.billing.InvoiceService", "Failed to charge invoice " + invoice};
        };
        out.add(new Line("2024-05-01 " + c.hms() + "." + c.frac(3) + " [" + thread + "] " + w[0] + " " + w[1] + " - "
                + w[2], "logback-" + Math.min(e, 4)));
        if (e >= 4) {
            out.add(new Line("java.net.SocketTimeoutException: Read timed out", "logback-exception"));
            for (int k = 0, frames = 3 + r.nextInt(8); k < frames; k++) {
                out.add(new Line("\tat " + FRAMES[k % FRAMES.length] + (20 + r.nextInt(400)) + ")",
                        "logback-at-" + k % FRAMES.length));
            }
            if (r.nextBoolean()) {
                out.add(new Line("Caused by: java.io.IOException: Connection reset by peer", "logback-caused"));
                out.add(new Line("\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)", "logback-at"));
                out.add(new Line("\t... " + (5 + r.nextInt(30)) + " common frames omitted", "logback-omitted"));
            }
        }
    }

    private static Line logrus(SplittableRandom r, Clock c) {
        int e = r.nextInt(5);
        String t = "time=\"2024-05-01T" + c.hms() + "Z\" ";
        String text = switch (e) {
            case 0 -> t + "level=info msg=\"Starting server\" addr=\":8080\" version=1." + r.nextInt(9) + "." + r.nextInt(9);
            case 1 -> t + "level=info msg=\"request handled\" method=GET path=/api/v1/items/" + r.nextInt(5000)
                    + " status=200 duration=" + r.nextInt(900) + "." + r.nextInt(999) + "ms";
            case 2 -> t + "level=warning msg=\"retrying upstream\" attempt=" + (1 + r.nextInt(3)) + " upstream=\""
                    + ip(r) + ":9000\"";
            case 3 -> t + "level=error msg=\"failed to publish event\" error=\"kafka: client has run out of available"
                    + " brokers to talk to\" topic=orders partition=" + r.nextInt(12);
            default -> t + "level=debug msg=\"cache stats\" hits=" + r.nextInt(10_000) + " misses=" + r.nextInt(1000);
        };
        return new Line(text, "logrus-" + e);
    }

    private static Line postgres(SplittableRandom r, Clock c) {
        int e = r.nextInt(7);
        String head = "2024-05-01 " + c.hms() + "." + c.frac(3) + " UTC [" + (1000 + r.nextInt(60_000)) + "] ";
        String text = switch (e) {
            case 0 -> "LOG:  checkpoint starting: time";
            case 1 -> "LOG:  checkpoint complete: wrote " + r.nextInt(5000) + " buffers (" + r.nextInt(30) + "."
                    + r.nextInt(10) + "%); 0 WAL file(s) added, 0 removed, " + r.nextInt(3) + " recycled; write="
                    + r.nextInt(300) + "." + r.nextInt(1000) + " s, sync=0.0" + r.nextInt(100) + " s, total="
                    + r.nextInt(300) + "." + r.nextInt(1000) + " s";
            case 2 -> "LOG:  connection received: host=" + ip(r) + " port=" + (30_000 + r.nextInt(30_000));
            case 3 -> "LOG:  connection authorized: user=" + user(r) + " database=shop application_name=psql";
            case 4 -> "ERROR:  duplicate key value violates unique constraint \"orders_pkey\"";
            case 5 -> "LOG:  duration: " + r.nextInt(9000) + "." + r.nextInt(1000) + " ms  statement: SELECT * FROM"
                    + " orders WHERE customer_id = " + r.nextInt(100_000);
            default -> "FATAL:  password authentication failed for user \"" + user(r) + "\"";
        };
        return new Line(head + text, "postgres-" + e);
    }

    private static Line mysql(SplittableRandom r, Clock c) {
        int e = r.nextInt(5);
        String head = c.iso(6) + " " + (e < 2 ? 0 : 8 + r.nextInt(900)) + " ";
        String text = switch (e) {
            case 0 -> "[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'  socket:"
                    + " '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.";
            case 1 -> "[Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.";
            case 2 -> "[Note] [MY-010914] [Server] Aborted connection " + r.nextInt(100_000) + " to db: 'shop' user: '"
                    + user(r) + "' host: '" + ip(r) + "' (Got an error reading communication packets).";
            case 3 -> "[Warning] [MY-010055] [Server] IP address '" + ip(r) + "' could not be resolved: Name or service"
                    + " not known";
            default -> "[ERROR] [MY-013183] [InnoDB] Assertion failure: ibuf0ibuf.cc:" + (3000 + r.nextInt(900))
                    + " thread " + r.nextLong(1L << 40);
        };
        return new Line(head + text, "mysql-" + e);
    }

    private static void winevent(SplittableRandom r, Clock c, List<Line> out) {
        int e = r.nextInt(3);
        String[] ids = {"4624", "4625", "7036"};
        String[] descs = {"An account was successfully logged on.", "An account failed to log on.",
            "The Windows Update service entered the running state."};
        boolean sec = e < 2;
        out.add(new Line("Event[" + r.nextInt(100_000) + "]:", "win-event"));
        out.add(new Line("  Log Name: " + (sec ? "Security" : "System"), "win-logname"));
        out.add(new Line("  Source: " + (sec ? "Microsoft-Windows-Security-Auditing" : "Service Control Manager"),
                "win-source"));
        out.add(new Line("  Date: 2024-05-01T" + c.hms() + "." + c.frac(3), "win-date"));
        out.add(new Line("  Event ID: " + ids[e], "win-id"));
        out.add(new Line("  Task: " + (sec ? "Logon" : "N/A"), "win-task"));
        out.add(new Line("  Level: " + (e == 1 ? "Information" : "Information"), "win-level"));
        out.add(new Line("  Opcode: Info", "win-opcode"));
        out.add(new Line("  Keyword: " + (e == 0 ? "Audit Success" : e == 1 ? "Audit Failure" : "Classic"), "win-keyword"));
        out.add(new Line("  User: " + (sec ? "S-1-5-18" : "N/A"), "win-user"));
        out.add(new Line("  User Name: " + (sec ? "NT AUTHORITY\\SYSTEM" : "N/A"), "win-username"));
        out.add(new Line("  Computer: ws" + r.nextInt(40) + ".corp.example.com", "win-computer"));
        out.add(new Line("  Description: ", "win-description"));
        out.add(new Line(descs[e], "win-desc-" + e));
    }

    private static Line csv(SplittableRandom r, Clock c) {
        int e = r.nextInt(4);
        String text = switch (e) {
            case 0 -> "INFO,api,\"request served path=/api/v1/items/" + r.nextInt(5000) + " status=200\"";
            case 1 -> "WARN,api,\"slow request took " + r.nextInt(9000) + "ms\"";
            case 2 -> "ERROR,db,\"connection to " + ip(r) + ":5432 refused\"";
            default -> "INFO,scheduler,\"job nightly-report finished in " + r.nextInt(900) + "s\"";
        };
        return new Line("2024-05-01T" + c.hms() + "Z,web-" + r.nextInt(3) + "," + text, "csv-" + e);
    }
}
