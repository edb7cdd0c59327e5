package dev.keymem.jobs.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.keymem.jobs.text.LineMasker;

/**
 * A seeded, deterministic multi-service log (api-gateway, auth, payments, db, cache) with incidents
 * injected at known positions.
 *
 * <p>Background lines are periodic, realistic statements with variable fields (ids, IPs, latencies,
 * hex session ids, paths), so their masked templates form a small set. Four incidents are injected at
 * fixed fractions of the log, each a burst whose lines are interleaved with background (about 3 in 4
 * lines of the burst belong to the incident):
 * <ul>
 *   <li>{@code db-pool-exhaustion} (db; with api-gateway 503s and payments failures)</li>
 *   <li>{@code auth-brute-force} (auth: failed logins for one account from one network, then a lock)</li>
 *   <li>{@code disk-full} (db: "No space left on device")</li>
 *   <li>{@code payment-timeout-storm} (payments: provider timeouts; with api-gateway 504s)</li>
 * </ul>
 * {@link Incident} lists each one's line range (1-based, inclusive, first to last incident line), its
 * primary service, the signature text every primary line contains, and the masked templates of all its
 * lines. Background lines never contain a signature. Line format:
 * {@code 2026-01-15T08:00:00.000Z LEVEL service[pid]: message}.
 *
 * <p>Run {@code main} to write the bundled sample: {@code LogGenerator [outDir] [lines] [seed]}
 * (defaults {@code samples/logs 4000 42}) writes {@code services.log} and {@code incidents.json}.
 */
public final class LogGenerator {

    /** Seed of the bundled sample. */
    public static final long SAMPLE_SEED = 42;
    /** Line count of the bundled sample. */
    public static final int SAMPLE_LINES = 4000;

    private static final Instant START = Instant.parse("2026-01-15T08:00:00Z");
    private static final String[] SERVICES = {"api-gateway", "auth", "payments", "db", "cache"};
    private static final int[] PIDS = {1412, 2203, 3177, 991, 4120};
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
        "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter"};
    private static final String[] ROUTES = {"/api/v1/orders/", "/api/v1/users/", "/api/v1/carts/", "/api/v1/products/"};
    private static final String[] TABLES = {"orders", "users", "payments", "products", "sessions"};

    private final long seed;

    /** A generator for {@code seed}. */
    public LogGenerator(long seed) {
        this.seed = seed;
    }

    /** One injected incident. */
    public static final class Incident {
        /** Stable id, e.g. {@code db-pool-exhaustion}. */
        public final String id;
        /** Human description. */
        public final String description;
        /** Primary service. */
        public final String service;
        /** Text every primary-service line of the incident contains. */
        public final String signature;
        /** First incident line (1-based). */
        public final int startLine;
        /** Last incident line (1-based, inclusive). */
        public final int endLine;
        /** Number of incident lines (background lines in the range are not counted). */
        public final int lineCount;
        /** The 1-based numbers of the incident's lines. */
        public final List<Integer> lines;
        /** Distinct masked templates of the incident's lines. */
        public final List<String> templates;

        Incident(String id, String description, String service, String signature, List<Integer> lines, List<String> templates) {
            this.id = id;
            this.description = description;
            this.service = service;
            this.signature = signature;
            this.lines = List.copyOf(lines);
            this.startLine = lines.get(0);
            this.endLine = lines.get(lines.size() - 1);
            this.lineCount = lines.size();
            this.templates = List.copyOf(templates);
        }
    }

    /** The generated log and its incidents (in order of appearance). */
    public static final class Generated {
        /** The lines, without line terminators. */
        public final List<String> lines;
        /** The incidents. */
        public final List<Incident> incidents;

        Generated(List<String> lines, List<Incident> incidents) {
            this.lines = Collections.unmodifiableList(lines);
            this.incidents = List.copyOf(incidents);
        }
    }

    private interface Burst {
        /** One incident line for the burst's k-th line (k from 0), given the current time. */
        String line(SplittableRandom r, int k, int total, Instant t);
    }

    private static final class Spec {
        final String id, description, service, signature;
        final double at;
        final int size;
        final Burst burst;

        Spec(String id, String description, String service, String signature, double at, int size, Burst burst) {
            this.id = id;
            this.description = description;
            this.service = service;
            this.signature = signature;
            this.at = at;
            this.size = size;
            this.burst = burst;
        }
    }

    private static final List<Spec> INCIDENTS = List.of(
            new Spec("db-pool-exhaustion", "database connection pool exhausted; callers time out", "db",
                    "connection pool exhausted", 0.20, 60, (r, k, n, t) -> {
                        int pick = r.nextInt(10);
                        if (pick < 5) {
                            return line(t, "ERROR", 3, "connection pool exhausted active=50/50 waiting=" + (10 + k + r.nextInt(5))
                                    + " timeout=30000ms");
                        } else if (pick < 8) {
                            return line(t, "ERROR", 0, "GET " + ROUTES[r.nextInt(ROUTES.length)] + r.nextInt(100000)
                                    + " 503 upstream=db latency=" + (30000 + r.nextInt(200)) + "ms req=" + uuid(r));
                        }
                        return line(t, "ERROR", 2, "could not acquire db connection after 30000ms order=" + (500000 + r.nextInt(99999)));
                    }),
            new Spec("auth-brute-force", "brute-force login attempts against one account, then a lock", "auth",
                    "login failed user=admin", 0.42, 80, (r, k, n, t) -> {
                        if (k == n - 1) {
                            return line(t, "ERROR", 1, "account locked user=admin after " + (n - 1)
                                    + " failed attempts (login failed user=admin) from 203.0.113.0/24");
                        }
                        return line(t, "WARN", 1, "login failed user=admin from 203.0.113." + (2 + r.nextInt(250))
                                + " reason=bad_password attempt=" + (k + 1));
                    }),
            new Spec("disk-full", "database volume full; writes fail", "db",
                    "No space left on device", 0.65, 30, (r, k, n, t) -> {
                        if (r.nextInt(4) == 0) {
                            return line(t, "WARN", 3, "disk usage 100% on /var/lib/postgres/data (No space left on device)");
                        }
                        return line(t, "ERROR", 3, "could not write to file /var/lib/postgres/data/base/16384/" + (20000 + r.nextInt(9000))
                                + ": No space left on device");
                    }),
            new Spec("payment-timeout-storm", "payment provider times out repeatedly; checkout fails", "payments",
                    "provider timeout", 0.82, 70, (r, k, n, t) -> {
                        if (r.nextInt(3) == 0) {
                            return line(t, "WARN", 0, "POST /api/v1/payments 504 upstream=payments latency=" + (10000 + r.nextInt(300))
                                    + "ms req=" + uuid(r));
                        }
                        return line(t, "ERROR", 2, "provider timeout provider=stripe after 10000ms order=" + (500000 + r.nextInt(99999))
                                + " attempt=" + (1 + r.nextInt(3)));
                    }));

    /**
     * Generates {@code total} lines (at least 800, so that every incident fits between background).
     */
    public Generated generate(int total) {
        int needed = INCIDENTS.stream().mapToInt(s -> s.size * 2).sum();
        if (total < Math.max(800, needed)) {
            throw new IllegalArgumentException("need at least " + Math.max(800, needed) + " lines for the incidents, got " + total);
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>(total);
        Map<String, List<Integer>> incidentLines = new LinkedHashMap<>();
        Map<String, TreeSet<String>> templates = new LinkedHashMap<>();
        LineMasker masker = new LineMasker();
        Instant t = START;
        int next = 0;
        while (lines.size() < total) {
            Spec spec = next < INCIDENTS.size() && lines.size() >= (int) (INCIDENTS.get(next).at * total) ? INCIDENTS.get(next) : null;
            if (spec == null) {
                t = t.plusMillis(50 + r.nextInt(900));
                lines.add(background(r, t));
                continue;
            }
            next++;
            List<Integer> at = new ArrayList<>();
            TreeSet<String> tpl = new TreeSet<>();
            for (int k = 0; k < spec.size && lines.size() < total; ) {
                t = t.plusMillis(5 + r.nextInt(120));
                if (r.nextInt(4) == 0 && k > 0) {
                    lines.add(background(r, t));
                } else {
                    String l = spec.burst.line(r, k, spec.size, t);
                    lines.add(l);
                    at.add(lines.size());
                    tpl.add(masker.mask(l));
                    k++;
                }
            }
            incidentLines.put(spec.id, at);
            templates.put(spec.id, tpl);
        }
        List<Incident> incidents = new ArrayList<>();
        for (Spec s : INCIDENTS) {
            incidents.add(new Incident(s.id, s.description, s.service, s.signature, incidentLines.get(s.id),
                    new ArrayList<>(templates.get(s.id))));
        }
        return new Generated(lines, incidents);
    }

    private static String background(SplittableRandom r, Instant t) {
        int service = pickService(r);
        switch (service) {
            case 0: {
                int p = r.nextInt(10);
                if (p < 6) {
                    return line(t, "INFO", 0, "GET " + ROUTES[r.nextInt(ROUTES.length)] + r.nextInt(100000) + " 200 latency="
                            + (3 + r.nextInt(120)) + "ms req=" + uuid(r) + " client=" + ip(r));
                } else if (p < 9) {
                    return line(t, "INFO", 0, "POST /api/v1/payments 201 latency=" + (40 + r.nextInt(400)) + "ms req=" + uuid(r)
                            + " client=" + ip(r));
                }
                return line(t, "INFO", 0, "health check ok upstreams=5 uptime=" + (3600 + r.nextInt(900000)) + "s");
            }
            case 1: {
                int p = r.nextInt(10);
                String user = USERS[r.nextInt(USERS.length)];
                if (p < 6) {
                    return line(t, "INFO", 1, "login ok user=" + user + " from " + ip(r) + " session=" + hex(r, 16));
                } else if (p < 9) {
                    return line(t, "INFO", 1, "token refreshed user=" + user + " ttl=3600s session=" + hex(r, 16));
                }
                return line(t, "INFO", 1, "logout user=" + user + " session=" + hex(r, 16));
            }
            case 2: {
                int p = r.nextInt(10);
                if (p < 7) {
                    return line(t, "INFO", 2, "charge ok order=" + (500000 + r.nextInt(99999)) + " amount="
                            + String.format(Locale.ROOT, "%d.%02d", 1 + r.nextInt(300), r.nextInt(100)) + " EUR provider=stripe latency="
                            + (80 + r.nextInt(600)) + "ms");
                } else if (p < 9) {
                    return line(t, "INFO", 2, "refund issued order=" + (500000 + r.nextInt(99999)) + " amount="
                            + String.format(Locale.ROOT, "%d.%02d", 1 + r.nextInt(100), r.nextInt(100)) + " EUR");
                }
                return line(t, "INFO", 2, "settlement batch " + (1000 + r.nextInt(9000)) + " submitted items=" + (10 + r.nextInt(300)));
            }
            case 3: {
                int p = r.nextInt(10);
                if (p < 6) {
                    return line(t, "INFO", 3, "query ok table=" + TABLES[r.nextInt(TABLES.length)] + " rows=" + r.nextInt(500)
                            + " time=" + (1 + r.nextInt(40)) + "ms");
                } else if (p < 9) {
                    return line(t, "DEBUG", 3, "pool stats active=" + (2 + r.nextInt(20)) + "/50 idle=" + (5 + r.nextInt(20)));
                }
                return line(t, "INFO", 3, "checkpoint complete wrote " + (100 + r.nextInt(5000)) + " buffers wal=/var/lib/postgres/data/pg_wal/"
                        + hex(r, 24));
            }
            default: {
                int p = r.nextInt(10);
                if (p < 7) {
                    return line(t, "DEBUG", 4, "GET session:" + hex(r, 16) + (r.nextInt(10) < 9 ? " hit" : " miss"));
                }
                return line(t, "INFO", 4, "stats hit_ratio=0." + (85 + r.nextInt(14)) + " keys=" + (20000 + r.nextInt(5000))
                        + " evictions=" + r.nextInt(50));
            }
        }
    }

    private static int pickService(SplittableRandom r) {
        int p = r.nextInt(100);
        return p < 35 ? 0 : p < 52 ? 1 : p < 67 ? 2 : p < 85 ? 3 : 4;
    }

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private static String line(Instant t, String level, int service, String message) {
        return STAMP.format(t) + " " + level + " " + SERVICES[service] + "[" + PIDS[service] + "]: " + message;
    }

    private static String uuid(SplittableRandom r) {
        return new java.util.UUID(r.nextLong(), r.nextLong()).toString();
    }

    private static String ip(SplittableRandom r) {
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static String hex(SplittableRandom r, int digits) {
        StringBuilder sb = new StringBuilder(digits);
        while (sb.length() < digits) {
            sb.append(Long.toHexString(r.nextLong() | Long.MIN_VALUE));
        }
        String h = sb.substring(0, digits);
        // Every id holds a digit and a letter, like real ones mostly do (and as the masker expects).
        if (h.chars().noneMatch(Character::isLetter)) {
            h = "a" + h.substring(1);
        }
        if (h.chars().noneMatch(Character::isDigit)) {
            h = "1" + h.substring(1);
        }
        return h;
    }

    /** Writes {@code services.log} and {@code incidents.json} into {@code dir}. */
    public static Generated writeSample(Path dir, int lines, long seed) {
        Generated g = new LogGenerator(seed).generate(lines);
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("services.log"), g.lines, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("incidents.json"), incidentsJson(g, lines, seed), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log sample to " + dir, e);
        }
        return g;
    }

    /** The JSON written to incidents.json. */
    public static String incidentsJson(Generated g, int lines, long seed) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generator", LogGenerator.class.getName());
        root.put("seed", seed);
        root.put("lines", lines);
        List<Map<String, Object>> list = new ArrayList<>();
        Function<Incident, Map<String, Object>> one = i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", i.id);
            m.put("description", i.description);
            m.put("service", i.service);
            m.put("signature", i.signature);
            m.put("startLine", i.startLine);
            m.put("endLine", i.endLine);
            m.put("lineCount", i.lineCount);
            m.put("templates", i.templates);
            m.put("lineNumbers", i.lines);
            return m;
        };
        g.incidents.forEach(i -> list.add(one.apply(i)));
        root.put("incidents", list);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code LogGenerator [outDir] [lines] [seed]}: writes the sample (defaults: samples/logs 4000 42). */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "samples/logs");
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : SAMPLE_LINES;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : SAMPLE_SEED;
        Generated g = writeSample(dir, lines, seed);
        System.out.println("wrote " + g.lines.size() + " lines and " + g.incidents.size() + " incidents to " + dir);
    }
}
