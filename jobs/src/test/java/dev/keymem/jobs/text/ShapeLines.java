package dev.keymem.jobs.text;

import java.util.SplittableRandom;

/**
 * Random log lines of the kinds {@code benchmarks/jobs/shapes.py} writes where masking dominates (for the
 * masking oracles): JSON-structured lines ({@code json-fixed}: quoted keys, ISO timestamps, trace ids, host
 * names, routes, user agents, UUIDs, versions) and lines dense in ids ({@code ids}: UUIDs, hex, IPv4 with
 * ports, bracketed IPv6, 0x values, MAC addresses, epoch-like numbers), with random mutations (a character
 * dropped, doubled or replaced by one the rules look for) so that near-misses are covered too.
 */
public final class ShapeLines {
    private static final String[] WORDS = {"cache", "commit", "invoice", "session", "upstream", "warehouse",
        "token", "timeout", "order", "customer", "retry", "GET", "POST", "May", "Mon", "ms", "KB", "user@example.com",
        "a.b@c", "x@-y", "+@a", "@timestamp", "C:\\data\\x", "~/a/b", "http://h.io/p?q=1", "/var/log/app.log",
        "a::b", "é", "漢", "value=0x1F", "feedface12", "deadbeefcafe"};
    private static final String MUTATE = "0123456789abcdefABCDEF:.-/\\@\"{}[]<> x_~é";

    private ShapeLines() {
    }

    private static String hex(SplittableRandom r, int digits, boolean upper) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append((upper ? "0123456789ABCDEF" : "0123456789abcdef").charAt(r.nextInt(16)));
        }
        return sb.toString();
    }

    static String uuid(SplittableRandom r) {
        return hex(r, 8, false) + "-" + hex(r, 4, false) + "-" + hex(r, 4, false) + "-" + hex(r, 4, false) + "-"
                + hex(r, 12, false);
    }

    static String ipv4(SplittableRandom r) {
        return r.nextInt(300) + "." + r.nextInt(300) + "." + r.nextInt(256) + "." + r.nextInt(256);
    }

    static String ipv6(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int groups = r.nextInt(4) == 0 ? 4 : 8;
        for (int g = 0; g < groups; g++) {
            sb.append(g > 0 ? ":" : "").append(Integer.toHexString(r.nextInt(65536)));
        }
        return groups == 4 ? sb.append("::1").toString() : sb.toString();
    }

    private static String words(SplittableRandom r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? " " : "").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static String ts(SplittableRandom r) {
        return String.format("2026-01-%02dT%02d:%02d:%02d.%03dZ", 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60),
                r.nextInt(60), r.nextInt(1000));
    }

    /**
     * A random line of the fragments each masking rule looks for, its near-misses and non-ASCII characters, in any
     * mix (the masker's own generator, {@code LineMaskerTest.randomLine}), 0-24 fragments.
     */
    public static String ruleShapes(SplittableRandom r) {
        return LineMaskerTest.randomLine(r);
    }

    /** A JSON-structured log line (json-fixed's schema), 500-1,300 characters. */
    public static String json(SplittableRandom r) {
        String s = "{\"@timestamp\": \"" + ts(r) + "\", \"level\": \"INFO\", \"logger\": \"com.acme.billing.InvoiceRepository\", "
                + "\"thread\": \"worker-" + r.nextInt(64) + "\", \"trace_id\": \"" + hex(r, 32, false) + "\", \"span_id\": \""
                + hex(r, 16, false) + "\", \"service\": \"auth\", \"host\": \"ip-" + ipv4(r).replace('.', '-')
                + ".eu-west-1.compute.internal\", \"message\": \"" + words(r, 3 + r.nextInt(12)) + " " + r.nextInt(1000)
                + " in " + r.nextInt(1000) + " ms for " + uuid(r) + "\", \"http\": {\"method\": \"POST\", \"path\": \"/api/v2/orders/"
                + r.nextInt(100000) + "\", \"status\": 200, \"duration_ms\": " + r.nextInt(1000) + "." + r.nextInt(1000)
                + ", \"user_agent\": \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\"}, "
                + "\"labels\": {\"team\": \"checkout\", \"region\": \"eu-west-1\", \"version\": \"4.12." + r.nextInt(10)
                + "\", \"peer\": \"" + ipv4(r) + ":" + r.nextInt(70000) + "\", \"at\": " + (1_700_000_000L + r.nextInt(1 << 30))
                + "}, \"kubernetes\": {\"namespace\": \"prod\", \"pod\": \"orders-" + hex(r, 8, false) + "-" + hex(r, 5, false)
                + "\", \"node\": \"node-" + r.nextInt(64) + "\", \"started\": \"May  " + (1 + r.nextInt(28)) + " 12:00:0"
                + r.nextInt(10) + "\"}}";
        return mutate(r, s);
    }

    /** A line dense in ids (the ids shape), about 380 characters. */
    public static String ids(SplittableRandom r) {
        String s = ts(r) + " INFO scheduler[" + r.nextInt(10000) + "]: req=" + uuid(r) + " parent=" + uuid(r).toUpperCase()
                + " trace=" + hex(r, 32, false) + " from=" + ipv4(r) + ":" + r.nextInt(70000) + " to=[" + ipv6(r) + "]:"
                + r.nextInt(70000) + " bytes=" + r.nextInt(1_000_000_000) + " crc=0x" + hex(r, 8, true) + " ptr=0x"
                + hex(r, 12, false) + " t=" + r.nextInt(10000) + "." + r.nextInt(1_000_000) + " id="
                + (1_000_000_000_000L + r.nextLong(9_000_000_000_000L)) + " mac=" + hex(r, 2, false) + ":" + hex(r, 2, false)
                + ":" + hex(r, 2, false) + ":" + hex(r, 2, false) + ":" + hex(r, 2, false) + ":" + hex(r, 2, false)
                + " v6=" + ipv6(r) + " at " + (1_000_000_000L + r.nextInt(1 << 30)) + " " + words(r, r.nextInt(4));
        return mutate(r, s);
    }

    private static final String[] PKGS = {"io.netty.channel", "org.apache.kafka.clients", "com.acme.orders",
        "org.hibernate.engine", "java.util.concurrent", "com.zaxxer.hikari.pool", "org.springframework.web.servlet"};
    private static final String[] CLASSES = {"DispatcherServlet", "RetryTemplate", "InvoiceRepository", "HikariPool",
        "ThreadPoolExecutor", "JsonMapper", "AbstractEntityPersister", "NetworkClient", "DefaultChannelPipeline"};
    private static final String[] METHODS = {"handle", "doFilter", "read", "execute", "invoke", "run", "process",
        "poll", "getConnection", "apply", "lambda$0", "<init>"};

    /**
     * A Java stack trace as one record (the {@code stack-multi} shape): a header with an ISO time stamp, level,
     * thread and logger, the exception and its message, 8-40 frames joined by newlines ({@code \tat
     * pkg.Class.method(File.java:N)}, some {@code Native Method}, {@code Unknown Source} or {@code ... N more}) and
     * sometimes a {@code Caused by}: 1,000-4,000 characters.
     */
    public static String stack(SplittableRandom r) {
        StringBuilder sb = new StringBuilder(ts(r)).append(" ERROR [http-nio-8080-exec-").append(r.nextInt(200))
                .append("] ").append(PKGS[r.nextInt(PKGS.length)]).append('.').append(CLASSES[r.nextInt(CLASSES.length)])
                .append(" - request failed\n");
        String[] exceptions = {"org.apache.kafka.common.errors.TimeoutException: Expiring " + r.nextInt(100000)
                + " record(s) for orders-" + r.nextInt(8) + ":120000 ms has passed",
            "java.net.ConnectException: Connection refused: db-" + r.nextInt(4) + ".internal/" + ipv4(r) + ":5432",
            "java.lang.IllegalStateException: order " + uuid(r) + " in state PAID at 0x" + hex(r, 8, false),
            "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after "
                + r.nextInt(40000) + "ms.", "java.lang.NullPointerException"};
        sb.append(exceptions[r.nextInt(exceptions.length)]);
        for (int f = 8 + r.nextInt(33); f > 0; f--) {
            sb.append("\n\tat ").append(PKGS[r.nextInt(PKGS.length)]).append('.').append(CLASSES[r.nextInt(CLASSES.length)])
                    .append('.').append(METHODS[r.nextInt(METHODS.length)]).append('(');
            int kind = r.nextInt(20);
            sb.append(kind == 0 ? "Native Method" : kind == 1 ? "Unknown Source"
                    : CLASSES[r.nextInt(CLASSES.length)] + ".java:" + (1 + r.nextInt(900))).append(')');
            if (f == 4 && r.nextInt(3) == 0) {
                sb.append("\nCaused by: java.io.IOException: Broken pipe (Write failed) at /var/lib/app/").append(r.nextInt(99))
                        .append("/data.log");
            }
        }
        if (r.nextInt(3) == 0) {
            sb.append("\n\t... ").append(r.nextInt(80)).append(" more");
        }
        return mutate(r, sb.toString());
    }

    /** A logfmt line (the {@code kv-fixed} shape): time stamp, level, message, 15-30 pairs of ids, counts, IPs, words. */
    public static String kv(SplittableRandom r) {
        StringBuilder sb = new StringBuilder("ts=").append(ts(r)).append(" level=info svc=mailer msg=\"")
                .append(words(r, 3)).append("\"");
        String[] keys = {"order", "cache", "upstream", "timeout", "commit", "region", "payment", "follower"};
        for (int k = 15 + r.nextInt(16); k > 0; k--) {
            String key = keys[r.nextInt(keys.length)];
            switch (r.nextInt(5)) {
                case 0 -> sb.append(' ').append(key).append("_id=").append(hex(r, 12, false));
                case 1 -> sb.append(' ').append(key).append("_ms=").append(r.nextInt(100000));
                case 2 -> sb.append(' ').append(key).append("_ip=").append(ipv4(r));
                case 3 -> sb.append(' ').append(key).append("_count=").append(r.nextInt(100000));
                default -> sb.append(' ').append(key).append('=').append(WORDS[r.nextInt(WORDS.length)]);
            }
        }
        return mutate(r, sb.toString());
    }

    /** {@code s} with up to three random edits (none half the time). */
    private static String mutate(SplittableRandom r, String s) {
        if (r.nextBoolean()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s);
        for (int k = r.nextInt(1, 4); k > 0 && sb.length() > 1; k--) {
            int i = r.nextInt(sb.length());
            switch (r.nextInt(3)) {
                case 0 -> sb.deleteCharAt(i);
                case 1 -> sb.insert(i, sb.charAt(i));
                default -> sb.setCharAt(i, MUTATE.charAt(r.nextInt(MUTATE.length())));
            }
        }
        return sb.toString();
    }
}
