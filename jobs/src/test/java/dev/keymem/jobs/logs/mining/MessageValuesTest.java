package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MessageValuesTest {
    private static final List<String> SEEDS = List.of(
            "I, [2024-05-01T10:00:05.094831 #782]  INFO -- : [abc] Completed 404 Not Found in 854ms (Views: 61.8ms)",
            "Completed 200 OK in 5ms", "HTTP/1.1 503 Service Unavailable", "returned 422 Unprocessable Entity.",
            "2m   Normal  ScalingReplicaSet  deployment.apps/web  Scaled up replica set web-5d8 to 3",
            "Normal Created pod/web-1 Created container web", "Back-off restarting failed container api in pod x",
            "Liveness probe failed: HTTP probe failed", "x node/node-1 and a/node/b and Xpod/a and pod/",
            "Task a.b[1f] succeeded in 0.25s: {'a': 1}", "Task a[1] raised unexpected: KeyError('k')",
            "Task a[1] retry: Retry in 30s: Err('x')", "on endpoint redis (996ae463de4a731f): Bind",
            "domain storage234 and user alice and table t1x", "    java.lang.NullPointerException at FooTest.java:42",
            "e: file:///a/B.kt:3:5 Unresolved reference: toDto", "use shop;", "use shop; x",
            "PHP Warning:  Undefined variable $total in /a.php on line 3",
            "Undefined property: Cart::$items and Call to undefined method Db::run() and Call to undefined function f()",
            "PHP Deprecated:  strlen(): Passing null to parameter #1 ($string) of type string is deprecated",
            "Failed with result 'exit-code'.",
            "x 404 Not Foundling 200 OK-ish 1404 Not Found 4040 OK v.404 OK 200 I'm a teapot",
            "Started GET \"/cart\" for 10.1.2.3 at 2024-05-01 10:00:44 +0000",
            "ActionController::RoutingError (No route matches [GET] \"/.env\"):", "GET /health 200 1ms POST /a/b?x=1",
            "XGET /a \"GET /x HTTP/1.1\" [PATCH] /y DELETE \"/z\" q",
            "May 02 08:00:01 web-1 systemd[1]: Starting Daily apt download activities...",
            "May 02 08:00:01 web-1 systemd[1]: Started Session 12 of User alice.",
            "May 02 08:00:01 web-1 systemd[1]: Reached target Multi-User System.",
            "host systemd: Listening on D-Bus System Message Bus Socket.", "mysystemd[1]: Started x.",
            "systemd[1]: Started x...", "PASS src/auth.test.ts (5.2 s)", "see app/models/user.rb:12, config/db.yml;",
            "and/or text/html Mb/s a//b.ts /abs/path.ts -x/y.ts src/.env x/y.toolong 1/2.js http://h/a.js (a/b.c)",
            "  Log Name: Security", "2024-05-01T10:00:01.9549630Z   repository: acme/web", "  if x: return y",
            "  Description: ", "Event[12]:", "ts  key: v", "t1  User Name: NT AUTHORITY\\SYSTEM", "\tkey.sub-x: v w",
            "FATAL:  database \"shop\" does not exist; role 'a' user: 'b'@'h' zone \"api\", host \"\" Table 'x y'",
            "Filter chain halted as :require_admin rendered or redirected; params :a, :b? (:c) x:y a :: b",
            "Processing by Api::V1::SessionsController#create as TURBO_STREAM",
            "Starting OrdersApplication v3.7.12 using Java 17.0.5 with PID 1; Started OrdersApplication in 7.2 seconds",
            "signal 15 (SIGTERM) received from 2250, exiting; SIGINT SIGX",
            "The start type of the X service was changed from demand start to auto start.",
            "Stabilized group orders-etl generation 3; service com.x/.Y, domain root_domain. user alice node a-b- key a.b.c",
            "I0503 10:00:02.270143   62411 x.go:286] \"Bound \\\"pod\\\"\" pod=\"ns/web-1\" err=\"a \\\"b\\\" c\" n=3",
            "WARN 1 --- [main] .w.s.m.s.DefaultHandlerExceptionResolver : Resolved [org.x.BadException: Request 'PUT' no]",
            "Servlet.service() for servlet [d] in context with path [] threw exception [Failed: a.B: c] with root cause",
            "The following 2 profiles are active: \"dev\", \"eu\"", "LOG:  duration: 1.2 ms  statement: SELECT 1",
            "DETAIL:  Key (email)=(a@b.c) already exists. STATEMENT:  insert into t values ($1)",
            "[notice] Command line: '/usr/sbin/apache2 -D FOREGROUND'", "signal 3 (SIGQUIT) received from 7, shutting down",
            "joins group g-1 in PreparingRebalance state. in error state", "ts INFO a.go:1 done {\"k\": \"v\", \"n\": 3}",
            "CRON[12]: (root) CMD (cd / && run-parts --report /etc/cron.hourly)",
            "sudo[1]:   alice : TTY=pts/0 ; PWD=/home/a ; USER=root ; COMMAND=/usr/bin/apt update",
            "kernel: Out of memory: Killed process 4242 (java) total-vm:1kB", "ssh2: RSA SHA256:ab/c+d ssh2: x SHA256:", "ssh2: ED25519 SHA256:ZNYAAvjIrXTa9cDxIzLjz9ilp2nM8Z4WwcdtdgJzp8P end", "> Task :app:compileJava UP-TO-DATE",
            "OrderServiceTest > createsOrder() PASSED", "a.B > C > d() FAILED x",
            "[2024-05-03T10:11:56,965][INFO ][o.e.c.r.a.AllocationService] [n-1] from [YELLOW] to [GREEN] (x: [a b])",
            "started for volume \\\"kube-api-access-x1\\\" (UniqueName: \\\"a\\\")",
            // round 7
            "# User@Host: root[root] @ localhost []  Id: 26828", "# User@Host: app[app] @  [10.0.0.7]",
            "[INFO] Using worker: gthread", "[INFO] Handling signal: term", "Method Not Allowed (PUT): /.env",
            "csrf 1 2 Forbidden (CSRF cookie not set.): /x/y", "use strict;", "use warnings_x;",
            "event/web-1.17c6d3a0b9e8f2c1 and event/handler and event.events.k8s.io/a.17c6d3a0b9",
            "key sha256 and network IPv6 and stream h264x and table Int64 and user sha2560");

    @Test
    void eachClassOfValues() {
        assertEquals("Completed 200 <*> in 5ms", MessageValues.values("Completed 200 OK in 5ms"));
        assertEquals("HTTP/1.1 503 <*>", MessageValues.values("HTTP/1.1 503 Service Unavailable"));
        assertEquals("Started GET \"<*>\" for x", MessageValues.values("Started GET \"/cart\" for x"));
        assertEquals("No route matches [GET] \"<*>\"):", MessageValues.values("No route matches [GET] \"/.env\"):"));
        assertEquals("h systemd[1]: Starting <*>...", MessageValues.values("h systemd[1]: Starting Rotate log files..."));
        assertEquals("h systemd[1]: Reached target <*>.",
                MessageValues.values("h systemd[1]: Reached target Multi-User System."));
        assertEquals("PASS <PATH> (5.2 s)", MessageValues.values("PASS src/cart.test.ts (5.2 s)"));
        assertEquals("Log Name: <*>", MessageValues.fieldLine("  Log Name: Security", true));
        assertEquals("repository: <*>", MessageValues.fieldLine("2024-05-01T10:00:01Z   repository: acme/web", true));
        assertEquals("2024-05-01T10:00:01Z   repository: <*>",
                MessageValues.fieldLine("2024-05-01T10:00:01Z   repository: acme/web", false));
        assertEquals("FATAL:  database \"<*>\" does not exist", MessageValues.values("FATAL:  database \"shop\" does not exist"));
        assertEquals("Aborted connection 9 to db: '<*>' user: '<*>' host: '<*>'",
                MessageValues.values("Aborted connection 9 to db: 'shop' user: 'app' host: '10.0.0.7'"));
        assertEquals("limiting requests, excess: 0.500 by zone \"<*>\", client: 10.0.0.1",
                MessageValues.values("limiting requests, excess: 0.500 by zone \"api\", client: 10.0.0.1"));
        assertEquals("Filter chain halted as <*> rendered or redirected",
                MessageValues.values("Filter chain halted as :require_admin rendered or redirected"));
        assertEquals("Processing by <*> as <*>", MessageValues.values("Processing by UsersController#show as JSON"));
        assertEquals("Started <*> in 7.293 seconds", MessageValues.values("Started OrdersApplication in 7.293 seconds"));
        assertEquals("signal 15 (<*>) received", MessageValues.values("signal 15 (SIGHUP) received"));
        assertEquals("The start type of the BITS service was changed from <*> to <*>.",
                MessageValues.values("The start type of the BITS service was changed from demand start to disabled."));
        assertEquals("I0503 10:00:02.270143 1 a.go:1] \"Creating PodSandbox for pod\" pod=<*> n=<*>",
                MessageValues.values("I0503 10:00:02.270143 1 a.go:1] \"Creating PodSandbox for pod\" pod=\"shop/web-1\" n=3"));
        assertEquals("Stabilized group <*> generation 69 (x) with 6 members", MessageValues.values(
                "Stabilized group orders-etl generation 69 (x) with 6 members"));
        assertEquals("domain <*> is full; service <*> in 5ms; key <*>.", MessageValues.values(
                "domain cluster_usr_backup is full; service com.x/cooperation in 5ms; key a.b."));
        assertEquals("x : Resolved [org.x.BadException: <*>]",
                MessageValues.values("x : Resolved [org.x.BadException: Request method 'PUT' is not supported]"));
        assertEquals("with path [] threw exception [<*>] with root cause", MessageValues.values(
                "with path [] threw exception [Request processing failed: a.B: c] with root cause"));
        assertEquals("The following 2 profiles are active: <*>",
                MessageValues.values("The following 2 profiles are active: \"dev\", \"eu\""));
        assertEquals("LOG:  duration: 1.2 ms  statement: <*>",
                MessageValues.values("LOG:  duration: 1.2 ms  statement: SELECT * FROM t WHERE id = 3"));
        assertEquals("DETAIL:  Key (<*>)=(<*>) already exists.",
                MessageValues.values("DETAIL:  Key (email)=(a@b.c) already exists."));
        assertEquals("Command line: <*>", MessageValues.values("Command line: '/usr/sbin/apache2 -D FOREGROUND'"));
        assertEquals("signal 3 (<*>) received from 7, <*>",
                MessageValues.values("signal 3 (SIGQUIT) received from 7, shutting down"));
        assertEquals("joins group <*> in <*> state. Created", MessageValues.values(
                "joins group orders-etl in CompletingRebalance state. Created"));
        assertEquals("served\t{\"method\": <*>, \"status\": <*>, \"ok\": <*>}",
                MessageValues.values("served\t{\"method\": \"GET\", \"status\": 404, \"ok\": true}"));
        assertEquals("CRON[1]: (<*>) CMD (<*>)", MessageValues.values("CRON[1]: (root) CMD (/usr/bin/certbot -q renew)"));
        assertEquals("sudo[1]:   <*> : TTY=pts/0 ; PWD=/home/a ; USER=root ; COMMAND=<*>",
                MessageValues.values("sudo[1]:   alice : TTY=pts/0 ; PWD=/home/a ; USER=root ; COMMAND=/usr/bin/apt update"));
        assertEquals("Killed process 4242 (<*>) total-vm", MessageValues.values("Killed process 4242 (java) total-vm"));
        assertEquals("port 22 ssh2: <*> SHA256:abc", MessageValues.values("port 22 ssh2: ED25519 SHA256:abc"));
        assertEquals("ssh2: <*> SHA256:<*>",
                MessageValues.values("ssh2: RSA SHA256:ZNYAAvjIrXTa9cDxIzLjz9ilp2nM8Z4WwcdtdgJzp8P"));
        assertEquals("> Task :app:jar <*>", MessageValues.values("> Task :app:jar FROM-CACHE"));
        assertEquals("<*> PASSED", MessageValues.values("OrderServiceTest > createsOrder() PASSED"));
        assertEquals("[2024-05-03T10:11:56,965][INFO ][o.e.c.r.a.AllocationService] [n-1] from [<*>] to [<*>]",
                MessageValues.values("[2024-05-03T10:11:56,965][INFO ][o.e.c.r.a.AllocationService] [n-1] from [YELLOW]"
                + " to [GREEN]"));
        assertEquals("started for volume \\\"<*>\\\" (UniqueName",
                MessageValues.values("started for volume \\\"kube-api-access-x1\\\" (UniqueName"));
        // class 16
        assertEquals("Normal ScalingReplicaSet deployment.apps/<*> Scaled <*> replica set web-5d8 to 3",
                MessageValues.values("Normal ScalingReplicaSet deployment.apps/web Scaled up replica set web-5d8 to 3"));
        assertEquals("Normal Started pod/<*> Started container <*>",
                MessageValues.values("Normal Started pod/web-1 Started container web"));
        assertEquals("Back-off restarting failed container <*> in pod x",
                MessageValues.values("Back-off restarting failed container api in pod x"));
        assertEquals("<*> probe failed: HTTP probe failed", MessageValues.values("Readiness probe failed: HTTP probe failed"));
        assertEquals("Task a[1] succeeded in 0.25s: <*>", MessageValues.values("Task a[1] succeeded in 0.25s: {'a': 1}"));
        assertEquals("Task a[1] raised unexpected: <*>", MessageValues.values("Task a[1] raised unexpected: KeyError('k')"));
        assertEquals("Task a[1] retry: <*>", MessageValues.values("Task a[1] retry: Retry in 30s: Err('x')"));
        assertEquals("on endpoint <*> (996ae463de4a731f): Bind",
                MessageValues.values("on endpoint redis (996ae463de4a731f): Bind"));
        assertEquals("no server for domain <*>", MessageValues.values("no server for domain storage234"));
        assertEquals("    <*> at FooTest.java:42", MessageValues.values("    java.lang.NullPointerException at FooTest.java:42"));
        assertEquals("e: x Unresolved reference: <*>", MessageValues.values("e: x Unresolved reference: toDto"));
        assertEquals("use <*>;", MessageValues.values("use shop;"));
        assertEquals("Undefined variable $<*> in", MessageValues.values("Undefined variable $total in"));
        assertEquals("Undefined property: <*> in", MessageValues.values("Undefined property: Cart::$items in"));
        assertEquals("Call to undefined method <*> in", MessageValues.values("Call to undefined method Db::run() in"));
        assertEquals("Deprecated:  <*>: Passing null to parameter #1", MessageValues.values(
                "Deprecated:  strlen(): Passing null to parameter #1"));
        assertEquals("Failed with result '<*>'.", MessageValues.values("Failed with result 'exit-code'."));
        // words that stay words
        for (String line : List.of("read and/or write text/html at 5 Mb/s", "step 1000 OK", "got 200 Okay",
                "mysystemd[1]: Started x.", "h systemd[1]: Starting x.", "XGET /a", "see /abs/file.ts",
                "the user \"x y\" and userx \"a\"", "user alice in group admins, node a-b- and key x_", "key :Upper a:b", "said \"hi\" to=bob and more",
                "mod_jk child workerEnv in error state 6", "> Task :app:test FAILED", "10 bytes received, lifetime 00:01",
                "served {\"a\": {\"b\": 1}}", "[2024-05-03 10:11:56,965][INFO] x [a]",
                "see a/node/b, xpod/a, pod/ and Pod/a", "Created container runtime x", "Scaled upward replica set",
                "user alice (not 1234)", "user alice (abcdef)", "java.lang.Foo at FooTest.java:42",
                "use shop; now", "Task a succeeded in 5 s: x", "container_1445 for user")) {
            assertSame(line, MessageValues.values(line), line);
        }
        for (String line : List.of("  if x: return y", "  Description: ", "Event[12]:", "INFO  key: v",
                "Syncing repository: acme/web")) {
            assertNull(MessageValues.fieldLine(line, true), line);
        }
    }

    @Test
    void fastFormsAreTheRegexes() throws IOException {
        List<String> lines = mutatedSeedsAndData(new SplittableRandom(14), 400);
        int rewritten = 0;
        int fields = 0;
        int namedIds = 0;
        for (String line : lines) {
            String ref = MessageValues.valuesReference(line);
            assertEquals(ref, MessageValues.values(line), line);
            assertEquals(MessageValues.gatesReference(line), MessageValues.gates(line), line);
            boolean named = MessageValues.NAMED_ID.matcher(line).find();
            assertEquals(named, MessageValues.mayNameId(line), line);
            namedIds += named ? 1 : 0;
            rewritten += ref.equals(line) ? 0 : 1;
            for (boolean headers : new boolean[] {true, false}) {
                String f = MessageValues.fieldLineReference(line, headers);
                assertEquals(f, MessageValues.fieldLine(line, headers), line);
                fields += f == null ? 0 : 1;
            }
        }
        // both sides of each comparison are exercised
        assertTrue(rewritten > 3_000 && rewritten < lines.size() - 3_000, rewritten + " of " + lines.size());
        assertTrue(fields > 1_000, fields + " of " + lines.size());
        assertTrue(namedIds > 100 && namedIds < lines.size() - 100, namedIds + " of " + lines.size());
        System.out.println("MessageValuesTest: " + lines.size() + " lines, " + rewritten + " rewritten, " + fields + " field lines, " + namedIds
                + " class 16 names");
    }

    @Test
    void gatesByBytesAreTheGatesByChars() {
        // random lines of the chars the gates look at, letters (nouns' shapes among them) and chars beyond ASCII and
        // Latin-1 (a surrogate pair too), which the byte form reads as one '?' each
        String[] parts = {" ", ":", "\t", "\"", "'", "=", "P", "S", "d", "f", "d f", " :", "user", "db:", "zone",
            "uSeR", "table", "abcdefghijklm", "abcdefghijklmn", "x", "Z", "-", "<*>", "\u00e9", "\u20ac", "\ud83d\ude00",
            "\ud83d", "\u00ff", "?", "1", "R", "K", "C", ">", "nt:", "NT:", "t:", "n", " state", "stat", "1 (", "(", "s", "6:", " {\"", "\t{", "{\"", "{"};
        SplittableRandom r = new SplittableRandom(7);
        int[] seen = new int[16];
        for (int k = 0; k < 200_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int j = r.nextInt(12); j >= 0; j--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            String line = sb.toString();
            int g = MessageValues.gatesReference(line);
            assertEquals(g, MessageValues.gates(line), line);
            for (int bit = 0; bit < seen.length; bit++) {
                seen[bit] += (g >> bit) & 1;
            }
        }
        for (int bit = 0; bit < seen.length; bit++) {
            assertTrue(seen[bit] > 1_000 && seen[bit] < 199_000, "gate " + bit + ": " + seen[bit]);
        }
    }

    @Test
    void linesThatDifferInSuchValuesShareATemplate() {
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        int a = miner.accept(s, "I, [2024-05-01T10:00:05.094831 #782]  INFO -- : Completed 404 Not Found in 854ms").id();
        int b = miner.accept(s, "I, [2024-05-01T10:00:06.094831 #783]  INFO -- : Completed 200 OK in 54ms").id();
        int c = miner.accept(s, "I, [2024-05-01T10:00:07.094831 #784]  INFO -- : Completed 500 Internal Server Error"
                + " in 4ms").id();
        assertEquals(a, b);
        assertEquals(a, c);
        int d = miner.accept(s, "May 02 08:00:01 web-1 systemd[1]: Starting Daily apt download activities...").id();
        int e = miner.accept(s, "May 02 08:00:02 web-1 systemd[1]: Starting Rotate log files...").id();
        int f = miner.accept(s, "May 02 08:00:03 web-1 systemd[1]: Stopping Rotate log files...").id();
        assertEquals(d, e);
        assertNotEquals(d, f);
        int g = miner.accept(s, "  Log Name: Security").id();
        int h = miner.accept(s, "  Log Name: System").id();
        int i = miner.accept(s, "  Source: System").id();
        assertEquals(g, h);
        assertNotEquals(g, i);
    }

    /** Line terminators that a {@code $} (without MULTILINE) matches before. */
    private static final String[] ENDINGS = {"\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029"};

    @Test
    void valuesIsTheReferenceBeforeAFinalLineTerminator() {
        String[] lines = {"WARN Resolved [org.x.FooException: bad thing happened]",
            "Servlet.service() for servlet [dispatcher] threw exception [boom] with root cause",
            "request completed {\"method\": \"GET\", \"status\": 404}",
            "signal 15 (SIGTERM) received from 2250, exiting", "OrderServiceTest > createsOrder() PASSED",
            "The following 2 profiles are active: \"a\", \"b\"", "Command line: '/usr/sbin/apache2 -D X'",
            "(root) CMD (run-parts /etc/cron.hourly)", "> Task :app:test UP-TO-DATE"};
        for (String line : lines) {
            for (String ending : ENDINGS) {
                String l = line + ending;
                assertNotEquals(l, MessageValues.valuesReference(l), l);
                assertEquals(MessageValues.valuesReference(l), MessageValues.values(l), l);
            }
        }
    }

    /** The seeds, {@code perSeed} edited copies of each, the format samples' lines and every loghub_2k line. */
    private static List<String> mutatedSeedsAndData(SplittableRandom r, int perSeed) throws IOException {
        String alphabet = " /\"[]:.-_0123456789AOKNFGTPSaeostdmy\t";
        List<String> lines = new ArrayList<>();
        for (String seed : SEEDS) {
            lines.add(seed);
            for (int k = 0; k < perSeed; k++) {
                StringBuilder b = new StringBuilder(seed);
                for (int e = 0, m = 1 + r.nextInt(3); e < m && b.length() > 0; e++) {
                    int at = r.nextInt(b.length());
                    switch (r.nextInt(3)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                        default -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    }
                }
                // a final line terminator now and then: the regexes' '$' matches before one
                if (r.nextInt(8) == 0) {
                    b.append(ENDINGS[r.nextInt(ENDINGS.length)]);
                }
                lines.add(b.toString());
            }
        }
        for (String format : List.of("journalctl", "journalctl-b", "rails", "rails-b", "github-actions",
                "github-actions-b", "winevent-b", "nginx-error", "apache-error", "spring-boot", "klog", "klog-b",
                "postgres", "postgres-b", "mysql", "mysql-b", "kafka", "kafka-b", "kafka-c", "envoy", "envoy-b", "zap", "zap-b",
                "journal-iso", "journal-iso-b", "journal-iso-c", "elasticsearch", "elasticsearch-b", "elasticsearch-c",
                "dockerd", "dockerd-b", "gradle", "gradle-b", "gradle-c", "go-panic", "go-panic-b")) {
            try (InputStream in = MessageValuesTest.class.getResourceAsStream("/formats/" + format + ".log")) {
                if (in != null) {
                    for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        lines.add(l.substring(l.indexOf('\t') + 1));
                    }
                }
            }
        }
        Path loghub = Path.of(System.getProperty("keymem.loghub", "../../shared/data/loghub_2k"));
        if (Files.isDirectory(loghub)) {
            try (Stream<Path> files = Files.walk(loghub)) {
                for (Path f : files.filter(p -> p.toString().endsWith("_2k.log")).toList()) {
                    lines.addAll(Files.readAllLines(f));
                }
            }
        }
        return lines;
    }

    /**
     * {@link MessageValues#mayNameId} (the noun before a blank asked first, then the value after it) is whether
     * {@link MessageValues#NAMED_ID} finds a match, on random lines of nouns, their near misses, values of both
     * shapes and the chars around them.
     */
    @Test
    void namedIdsNounFirstAreTheRegex() {
        String[] parts = {" ", " ", "user", "USER", "db", "Zone", "node", "nodes", "usr", "database", "xuser", "-",
            "_", ".", "/", "abc12", "web3", "sha256", "MD5", "x", "9", " (", "0123456789abcdef", "0123456789ab", ")",
            "(", "a.b-c", "\u00e9", ":", "at", "org.apache.Task.run", "user web3", "user web3", "db x9 ", "db x9 ",
            "zone a-b (0123456789abcdef)", "zone a-b (0123456789abcdef)", "node sha1"};
        SplittableRandom r = new SplittableRandom(29);
        int named = 0;
        for (int k = 0; k < 100_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int j = r.nextInt(10); j >= 0; j--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            String line = sb.toString();
            boolean ref = MessageValues.NAMED_ID.matcher(line).find();
            assertEquals(ref, MessageValues.mayNameId(line), line);
            named += ref ? 1 : 0;
        }
        assertTrue(named > 2_000 && named < 98_000, named + " named");
    }
}
